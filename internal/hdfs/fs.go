package hdfs

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"syscall"

	"github.com/beamline/beamline/internal/fsys"
)

// FS is internal/fsys's filesystem for hdfs:// URLs, with the semantics of
// fsys.Local. It holds no state: every method takes full URLs and uses the
// process's client for their namenode.
type FS struct{}

var _ fsys.FS = FS{}

// Dial checks that url's namenode answers (connecting if this process has
// not yet) and returns the filesystem for it.
func Dial(ctx context.Context, url string) (FS, error) {
	_, err := open(ctx, url, "connect")
	return FS{}, err
}

// Open opens a file for reading; the file seeks and reads at offsets.
func (FS) Open(ctx context.Context, name string) (fsys.File, error) {
	t, err := open(ctx, name, "open")
	if err != nil {
		return nil, err
	}
	return t.openReader()
}

// Create creates or truncates name, creating its parent directories.
func (FS) Create(ctx context.Context, name string) (io.WriteCloser, error) {
	t, err := open(ctx, name, "create")
	if err != nil {
		return nil, err
	}
	return t.create()
}

func (FS) Stat(ctx context.Context, name string) (fsys.Info, error) {
	t, err := open(ctx, name, "stat")
	if err != nil {
		return fsys.Info{}, err
	}
	fi, err := t.client.Stat(t.path)
	if err != nil {
		return fsys.Info{}, t.fail("stat", err)
	}
	return info(fi), nil
}

// ReadDir lists a directory, sorted by name.
func (FS) ReadDir(ctx context.Context, name string) ([]fsys.Info, error) {
	t, err := open(ctx, name, "readdir")
	if err != nil {
		return nil, err
	}
	entries, err := t.readDir()
	if err != nil {
		return nil, t.fail("readdir", err)
	}
	out := make([]fsys.Info, len(entries))
	for i, fi := range entries {
		out[i] = info(fi)
	}
	return out, nil
}

// Rename moves a file or directory, creating to's parents. An existing file
// at to is replaced; a directory may only move to a path that does not
// exist.
func (FS) Rename(ctx context.Context, from, to string) error {
	src, err := open(ctx, from, "rename")
	if err != nil {
		return err
	}
	dst, err := open(ctx, to, "rename")
	if err != nil {
		return err
	}
	if src.namenode != dst.namenode {
		return src.fail("rename", errors.New("cannot rename to "+to+": another namenode"))
	}
	if err := dst.client.MkdirAll(path.Dir(dst.path), 0o755); err != nil {
		return dst.at(path.Dir(dst.path)).fail("mkdir", err)
	}
	fi, err := src.client.Stat(src.path)
	if err != nil {
		return src.fail("rename", err)
	}
	if _, err := dst.client.Stat(dst.path); err == nil {
		if fi.IsDir() {
			return dst.fail("rename", fs.ErrExist)
		}
		if src.path == dst.path {
			return nil // as rename(2): a file renamed to itself stays
		}
	}
	if err := src.client.Rename(src.path, dst.path); err != nil {
		return src.fail("rename to "+to, err)
	}
	return nil
}

// RemoveAll removes name and everything under it; a missing name is fine.
func (FS) RemoveAll(ctx context.Context, name string) error {
	t, err := open(ctx, name, "remove")
	if err != nil {
		return err
	}
	if err := t.client.RemoveAll(t.path); err != nil {
		return t.fail("remove", err)
	}
	return nil
}

func (FS) MkdirAll(ctx context.Context, name string) error {
	t, err := open(ctx, name, "mkdir")
	if err != nil {
		return err
	}
	if err := t.client.MkdirAll(t.path, 0o755); err != nil {
		return t.fail("mkdir", err)
	}
	return nil
}

// Glob returns the files and directories matching pattern (path.Match
// syntax in each element), sorted; no match is not an error.
func (FS) Glob(ctx context.Context, pattern string) ([]string, error) {
	t, err := open(ctx, pattern, "glob")
	if err != nil {
		return nil, err
	}
	return t.glob()
}

func info(fi os.FileInfo) fsys.Info {
	return fsys.Info{Name: fi.Name(), Size: fi.Size(), IsDir: fi.IsDir(), ModTime: fi.ModTime()}
}

// readDir lists t's directory sorted by name; a file is ENOTDIR.
func (t *target) readDir() ([]os.FileInfo, error) {
	f, err := t.client.Open(t.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if !f.Stat().IsDir() {
		return nil, syscall.ENOTDIR
	}
	entries, err := f.Readdir(0)
	if err != nil {
		return nil, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return entries, nil
}

// glob expands t's path one element at a time: literal elements are
// appended, others matched against a directory listing. Paths built from
// literal elements only are checked at the end, as filepath.Glob does.
func (t *target) glob() ([]string, error) {
	elems := strings.Split(strings.TrimPrefix(t.path, "/"), "/")
	for _, e := range elems {
		if _, err := path.Match(e, ""); err != nil {
			return nil, t.fail("glob", err)
		}
	}
	matches, checked := []string{"/"}, true
	for _, e := range elems {
		if e == "" {
			continue // the root itself
		}
		var next []string
		if !strings.ContainsAny(e, `*?[\`) {
			for _, m := range matches {
				next = append(next, path.Join(m, e))
			}
			matches, checked = next, false
			continue
		}
		for _, m := range matches {
			entries, err := t.at(m).readDir()
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
				continue
			}
			if err != nil {
				return nil, t.at(m).fail("glob", err)
			}
			for _, fi := range entries {
				if ok, _ := path.Match(e, fi.Name()); ok {
					next = append(next, path.Join(m, fi.Name()))
				}
			}
		}
		matches, checked = next, true
	}
	out := make([]string, 0, len(matches))
	for _, m := range matches {
		if !checked {
			if _, err := t.client.Stat(m); errors.Is(err, fs.ErrNotExist) {
				continue
			} else if err != nil {
				return nil, t.at(m).fail("glob", err)
			}
		}
		out = append(out, t.prefix+m)
	}
	sort.Strings(out)
	return out, nil
}
