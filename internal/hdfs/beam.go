package hdfs

import (
	"context"
	"io"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// beamFS is Beam's filesystem for hdfs:// URLs, with the semantics of
// Beam's local one. Its readers seek, so block reads start where they
// should instead of reading up to it.
type beamFS struct{}

var (
	_ filesystem.Interface          = beamFS{}
	_ filesystem.Remover            = beamFS{}
	_ filesystem.Renamer            = beamFS{}
	_ filesystem.Copier             = beamFS{}
	_ filesystem.LastModifiedGetter = beamFS{}
)

// Close does nothing: the clients are shared by the process.
func (beamFS) Close() error { return nil }

// List returns the paths matching glob, sorted.
func (beamFS) List(ctx context.Context, glob string) ([]string, error) {
	return FS{}.Glob(ctx, glob)
}

// OpenRead opens a file; the reader is an io.ReadSeekCloser.
func (beamFS) OpenRead(ctx context.Context, name string) (io.ReadCloser, error) {
	return FS{}.Open(ctx, name)
}

// OpenWrite creates or truncates a file, creating its parents.
func (beamFS) OpenWrite(ctx context.Context, name string) (io.WriteCloser, error) {
	return FS{}.Create(ctx, name)
}

func (beamFS) Size(ctx context.Context, name string) (int64, error) {
	fi, err := FS{}.Stat(ctx, name)
	if err != nil {
		return -1, err
	}
	return fi.Size, nil
}

func (beamFS) LastModified(ctx context.Context, name string) (time.Time, error) {
	fi, err := FS{}.Stat(ctx, name)
	return fi.ModTime, err
}

// Remove removes a file or an empty directory.
func (beamFS) Remove(ctx context.Context, name string) error {
	t, err := open(ctx, name, "remove")
	if err != nil {
		return err
	}
	if err := t.client.Remove(t.path); err != nil {
		return t.fail("remove", err)
	}
	return nil
}

// Rename moves a file, replacing one at newpath, like os.Rename.
func (beamFS) Rename(ctx context.Context, oldpath, newpath string) error {
	src, err := open(ctx, oldpath, "rename")
	if err != nil {
		return err
	}
	dst, err := open(ctx, newpath, "rename")
	if err != nil {
		return err
	}
	if src.namenode != dst.namenode {
		return FS{}.Rename(ctx, oldpath, newpath) // reports the mismatch
	}
	if err := src.client.Rename(src.path, dst.path); err != nil {
		return src.fail("rename to "+newpath, err)
	}
	return nil
}

// Copy copies a file's bytes through this process.
func (beamFS) Copy(ctx context.Context, oldpath, newpath string) error {
	r, err := FS{}.Open(ctx, oldpath)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := FS{}.Create(ctx, newpath)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
