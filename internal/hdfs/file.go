package hdfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sync"
	"syscall"
	"time"

	gohdfs "github.com/colinmarc/hdfs/v2"
)

// reader is an open HDFS file: Read and Seek, plus ReadAt on a second
// client reader of its own, since the client's ReadAt moves the offset
// Read uses (io.ReaderAt must not). Seeking past the end is allowed, as on
// os.File; reads there return io.EOF.
type reader struct {
	t    *target
	mu   sync.Mutex
	f    *gohdfs.FileReader
	at   *gohdfs.FileReader // opened on the first ReadAt
	size int64
	pos  int64
}

func (t *target) openReader() (*reader, error) {
	f, err := t.client.Open(t.path)
	if err != nil {
		return nil, t.fail("open", err)
	}
	return &reader{t: t, f: f, size: f.Stat().Size()}, nil
}

func (r *reader) Read(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pos >= r.size {
		if r.f.Stat().IsDir() {
			return 0, r.t.fail("read", syscall.EISDIR)
		}
		return 0, io.EOF
	}
	n, err := r.f.Read(b)
	r.pos += int64(n)
	if err != nil && err != io.EOF {
		return n, r.t.fail("read", err)
	}
	return n, err
}

func (r *reader) Seek(offset int64, whence int) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pos := offset
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		pos += r.pos
	case io.SeekEnd:
		pos += r.size
	default:
		return r.pos, r.t.fail("seek", fmt.Errorf("invalid whence %d", whence))
	}
	if pos < 0 {
		return r.pos, r.t.fail("seek", fmt.Errorf("negative offset %d", pos))
	}
	if pos <= r.size {
		if _, err := r.f.Seek(pos, io.SeekStart); err != nil {
			return r.pos, r.t.fail("seek", err)
		}
	}
	r.pos = pos
	return pos, nil
}

func (r *reader) ReadAt(b []byte, off int64) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if off < 0 {
		return 0, r.t.fail("read", fmt.Errorf("negative offset %d", off))
	}
	if off >= r.size {
		return 0, io.EOF
	}
	if r.at == nil {
		at, err := r.t.client.Open(r.t.path)
		if err != nil {
			return 0, r.t.fail("read", err)
		}
		r.at = at
	}
	n, err := r.at.ReadAt(b, off)
	if err != nil && err != io.EOF {
		return n, r.t.fail("read", err)
	}
	return n, err
}

func (r *reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.f.Close()
	if r.at != nil {
		r.at.Close()
	}
	if err != nil {
		return r.t.fail("close", err)
	}
	return nil
}

// create makes t's file anew, like os.Create after MkdirAll of its parent:
// an existing file is replaced, a directory is an error.
func (t *target) create() (*writer, error) {
	if err := t.client.MkdirAll(path.Dir(t.path), 0o755); err != nil {
		return nil, t.at(path.Dir(t.path)).fail("mkdir", err)
	}
	fi, err := t.client.Stat(t.path)
	switch {
	case err == nil && fi.IsDir():
		return nil, t.fail("create", syscall.EISDIR)
	case err == nil:
		if err := t.client.Remove(t.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, t.fail("create", err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, t.fail("create", err)
	}
	w, err := t.client.Create(t.path)
	if err != nil {
		return nil, t.fail("create", err)
	}
	return &writer{t: t, w: w}, nil
}

// writer is a file being written; Close completes it.
type writer struct {
	t      *target
	w      *gohdfs.FileWriter
	closed bool
}

// Write writes b. An empty write is skipped: the client would give the
// file a block no datanode ever receives, which the namenode then waits
// for forever when the file is closed.
func (w *writer) Write(b []byte) (int, error) {
	if w.closed {
		return 0, w.t.fail("write", fs.ErrClosed)
	}
	if len(b) == 0 {
		return 0, nil
	}
	n, err := w.w.Write(b)
	if err != nil {
		return n, w.t.fail("write", err)
	}
	return n, nil
}

// Close flushes the last block and completes the file. A namenode still
// waiting for the block's replicas answers "not yet"; Close asks again
// until the timeout, as Hadoop's own client does.
func (w *writer) Close() error {
	if w.closed {
		return w.t.fail("close", fs.ErrClosed)
	}
	timeout, err := timeoutFromEnv()
	if err != nil {
		timeout = DefaultTimeout
	}
	deadline := time.Now().Add(timeout)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		err = w.w.Close()
		if !gohdfs.IsErrReplicating(err) || time.Now().Add(wait).After(deadline) {
			break
		}
		time.Sleep(wait)
	}
	w.closed = true
	if err != nil {
		return w.t.fail("close", err)
	}
	return nil
}
