// Package fsys is the filesystem the results sink and committer use: the
// operations Beam's filesystem interface lacks (directories, rename of
// folders, recursive delete) over local paths and over the URL schemes
// registered with Register (internal/hdfs registers hdfs://).
package fsys

import (
	"context"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// File is an open file for reading.
type File interface {
	io.ReadSeekCloser
	io.ReaderAt
}

// Info describes a file or directory.
type Info struct {
	Name    string
	Size    int64
	IsDir   bool
	ModTime time.Time
}

// FS is a filesystem rooted at the scheme of the paths it is given. Errors
// for missing paths satisfy errors.Is(err, fs.ErrNotExist).
type FS interface {
	Open(ctx context.Context, name string) (File, error)
	// Create creates or truncates name, creating its parent directories.
	Create(ctx context.Context, name string) (io.WriteCloser, error)
	Stat(ctx context.Context, name string) (Info, error)
	// ReadDir lists a directory's entries, sorted by name.
	ReadDir(ctx context.Context, name string) ([]Info, error)
	// Rename moves a file or directory. An existing file at to is replaced;
	// a directory may only move to a path that does not exist.
	Rename(ctx context.Context, from, to string) error
	// RemoveAll removes name and anything under it; a missing name is fine.
	RemoveAll(ctx context.Context, name string) error
	MkdirAll(ctx context.Context, name string) error
	// Glob returns the files matching pattern, sorted.
	Glob(ctx context.Context, pattern string) ([]string, error)
}

var (
	mu      sync.Mutex
	schemes = map[string]func(ctx context.Context, url string) (FS, error){}
)

// Register makes For return the filesystem open(url) for paths of scheme
// ("hdfs" for hdfs://…).
func Register(scheme string, open func(ctx context.Context, url string) (FS, error)) {
	mu.Lock()
	defer mu.Unlock()
	schemes[scheme] = open
}

// For returns the filesystem for name: local for a plain path, or the
// registered filesystem of its URL scheme.
func For(ctx context.Context, name string) (FS, error) {
	scheme := Scheme(name)
	if scheme == "" {
		return Local{}, nil
	}
	mu.Lock()
	open, ok := schemes[scheme]
	mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%s: no filesystem for scheme %q", name, scheme)
	}
	return open(ctx, name)
}

// Scheme returns the URL scheme of name ("hdfs"), or "" for a local path.
func Scheme(name string) string {
	if i := strings.Index(name, "://"); i > 0 {
		return name[:i]
	}
	return ""
}

// Join joins path elements to root, keeping a URL's scheme and host.
func Join(root string, elem ...string) string {
	if Scheme(root) == "" {
		return filepath.Join(append([]string{root}, elem...)...)
	}
	i := strings.Index(root, "://") + 3
	j := strings.IndexByte(root[i:], '/')
	if j < 0 {
		return root + path.Join(append([]string{"/"}, elem...)...)
	}
	return root[:i+j] + path.Join(append([]string{root[i+j:]}, elem...)...)
}

// Base returns the last element of name.
func Base(name string) string { return path.Base(filepath.ToSlash(name)) }

// WriteFile writes data to name through fs.
func WriteFile(ctx context.Context, fs FS, name string, data []byte) error {
	w, err := fs.Create(ctx, name)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	return w.Close()
}

// ReadFile reads all of name through fs.
func ReadFile(ctx context.Context, fs FS, name string) ([]byte, error) {
	f, err := fs.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}

// Exists reports whether name exists.
func Exists(ctx context.Context, fs FS, name string) (bool, error) {
	_, err := fs.Stat(ctx, name)
	if err == nil {
		return true, nil
	}
	if IsNotExist(err) {
		return false, nil
	}
	return false, err
}
