package results

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/beamline/beamline/internal/fsys"
	"github.com/beamline/beamline/transforms/table"
)

// List returns the metadata of every committed dataset under root
// (folders with a _SUCCESS), sorted by path.
func List(ctx context.Context, root string) ([]Meta, error) {
	fs, err := fsys.For(ctx, root)
	if err != nil {
		return nil, err
	}
	var out []Meta
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		var m Meta
		err := readJSON(ctx, fs, fsys.Join(dir, SuccessFile), &m)
		if err == nil {
			out = append(out, m)
			return nil
		}
		if !fsys.IsNotExist(err) {
			return err
		}
		if depth == 3 { // rejects/<pipeline>/<name> is the deepest dataset
			return nil
		}
		entries, err := fs.ReadDir(ctx, dir)
		if err != nil {
			if fsys.IsNotExist(err) {
				return nil
			}
			return err
		}
		for _, e := range entries {
			if e.IsDir && e.Name != TempFolder && e.Name[0] != '.' {
				if err := walk(fsys.Join(dir, e.Name), depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// ErrNotFound is returned for a dataset that has no committed folder.
var ErrNotFound = errors.New("no such dataset")

// Open returns the metadata of the committed dataset at path (relative to
// root, e.g. "pig/sales_by_region").
func Open(ctx context.Context, root, path string) (Meta, error) {
	fs, err := fsys.For(ctx, root)
	if err != nil {
		return Meta{}, err
	}
	var m Meta
	if err := readJSON(ctx, fs, fsys.Join(root, path, SuccessFile), &m); err != nil {
		if fsys.IsNotExist(err) {
			return Meta{}, fmt.Errorf("%s: %w", path, ErrNotFound)
		}
		return Meta{}, err
	}
	return m, nil
}

// Rows calls fn with every row of a committed dataset, in part order.
func Rows(ctx context.Context, root string, m Meta, fn func(row []string) error) error {
	fs, err := fsys.For(ctx, root)
	if err != nil {
		return err
	}
	for _, p := range m.Parts {
		if err := readPart(ctx, fs, fsys.Join(root, m.Path, p.File), len(m.Columns), fn); err != nil {
			return err
		}
	}
	return nil
}

func readPart(ctx context.Context, fs fsys.FS, name string, width int, fn func([]string) error) error {
	f, err := fs.Open(ctx, name)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = width
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil { // header
		return fmt.Errorf("%s: %w", name, err)
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

// ReadAll returns the metadata and every row of the dataset at path.
func ReadAll(ctx context.Context, root, path string) (Meta, [][]string, error) {
	m, err := Open(ctx, root, path)
	if err != nil {
		return m, nil, err
	}
	var rows [][]string
	err = Rows(ctx, root, m, func(r []string) error {
		rows = append(rows, append([]string(nil), r...))
		return nil
	})
	return m, rows, err
}

// Column returns the index of the named column, or -1.
func (m Meta) Column(name string) int {
	for i, c := range m.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Kinds returns each column's kind.
func (m Meta) Kinds() []table.Kind {
	k := make([]table.Kind, len(m.Columns))
	for i, c := range m.Columns {
		k[i] = c.Kind
	}
	return k
}

// Header returns the column names.
func (m Meta) Header() []string {
	h := make([]string, len(m.Columns))
	for i, c := range m.Columns {
		h[i] = c.Name
	}
	return h
}
