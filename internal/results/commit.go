package results

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/beamline/beamline/internal/fsys"
	"github.com/beamline/beamline/transforms/table"
)

// SuccessFile marks a complete dataset folder; it holds the dataset's Meta
// as JSON (like the S3A committers' _SUCCESS). Readers trust only folders
// that have it.
const SuccessFile = "_SUCCESS"

const (
	journalFile = "_COMMIT"
	oldFolder   = "_old"
)

// Meta describes a committed dataset.
type Meta struct {
	Dataset    string         `json:"dataset"`
	Family     string         `json:"family"`
	Pipeline   string         `json:"pipeline,omitempty"`
	Path       string         `json:"path"`
	Columns    []table.Column `json:"columns"`
	Order      string         `json:"order,omitempty"`
	Rows       int64          `json:"rows"`
	Parts      []PartMeta     `json:"parts"`
	RunID      string         `json:"run_id"`
	ProducedAt time.Time      `json:"produced_at"`
	Params     []Param        `json:"params,omitempty"`
}

// PartMeta is one committed part file.
type PartMeta struct {
	File   string `json:"file"`
	Rows   int64  `json:"rows"`
	Source string `json:"source,omitempty"`
}

// Output is a dataset a run declared, and how it is committed: as a folder
// of part files (the results contract), or, when File is set, concatenated
// into the single CSV file <root>/<File> (ingest's clean inputs).
type Output struct {
	Dataset  table.Dataset
	Pipeline string
	File     string
}

func (o Output) path() string {
	if o.File != "" {
		return o.File
	}
	return o.Dataset.Path()
}

type journal struct {
	Paths []string `json:"paths"`
}

// Commit publishes a finished run: it reads the run's manifest, turns each
// declared output's parts into its final form (part-00000.csv… and _SUCCESS,
// or one file), records the set in a journal, then swaps every output into
// place — the old one renamed aside, the new one renamed in — and removes
// the staging folder. A crash after the journal is written is repaired by
// Recover; before it, the previous results are untouched.
func Commit(ctx context.Context, t Target, outputs []Output) (*Manifest, error) {
	m, j, err := stageAll(ctx, t, outputs)
	if err != nil {
		return nil, err
	}
	fs, err := fsys.For(ctx, t.Root)
	if err != nil {
		return nil, err
	}
	Pause("commit")
	if err := apply(ctx, fs, t.Root, t.TempDir(), j); err != nil {
		return nil, err
	}
	return m, nil
}

// stageAll puts every output in its final form inside the staging folder
// and writes the journal that makes the swap repeatable.
func stageAll(ctx context.Context, t Target, outputs []Output) (*Manifest, journal, error) {
	fs, err := fsys.For(ctx, t.Root)
	if err != nil {
		return nil, journal{}, err
	}
	tmp := t.TempDir()
	var m Manifest
	if err := readJSON(ctx, fs, fsys.Join(tmp, manifestFile), &m); err != nil {
		return nil, journal{}, fmt.Errorf("run %s did not finish writing its results: %w", t.Run, err)
	}
	parts := map[string][]Part{}
	for _, p := range m.Parts {
		parts[p.Dataset] = append(parts[p.Dataset], p)
	}
	now := time.Now().UTC()
	var params []Param
	for _, p := range m.Params {
		if p.Key != "run_id" {
			params = append(params, p)
		}
	}
	j := journal{}
	for _, o := range outputs {
		var err error
		if o.File != "" {
			err = stageFile(ctx, fs, tmp, o, parts[o.Dataset.Path()])
		} else {
			err = stageFolder(ctx, fs, tmp, o, parts[o.Dataset.Path()], t.Run, now, params)
		}
		if err != nil {
			return nil, journal{}, err
		}
		j.Paths = append(j.Paths, o.path())
	}
	if err := writeJSON(ctx, fsys.Join(tmp, journalFile), j); err != nil {
		return nil, journal{}, err
	}
	return &m, j, nil
}

// stageFolder renames a dataset's parts to part-NNNNN.csv in order, drops
// files no successful bundle reported (a retried bundle's leftovers), and
// writes _SUCCESS.
func stageFolder(ctx context.Context, fs fsys.FS, tmp string, o Output, parts []Part, run string, now time.Time, params []Param) error {
	ds := o.Dataset
	dir := fsys.Join(tmp, ds.Path())
	meta := Meta{
		Dataset: ds.Name, Family: ds.Family, Pipeline: o.Pipeline, Path: ds.Path(),
		Columns: ds.Columns, Order: ds.Order, RunID: run, ProducedAt: now, Params: params,
	}
	if ds.Family == table.Rejects {
		meta.Pipeline = ds.Pipeline
	}
	if ds.Dynamic && len(parts) > 0 {
		meta.Columns = parts[0].Columns
		for _, p := range parts[1:] {
			if !sameColumns(p.Columns, meta.Columns) {
				return fmt.Errorf("stage %s: parts disagree on the dataset's columns", ds.Path())
			}
		}
	}
	keep := map[string]bool{}
	for i, p := range parts {
		name := fmt.Sprintf("part-%05d.csv", i)
		if err := fs.Rename(ctx, fsys.Join(dir, p.File), fsys.Join(dir, name)); err != nil {
			return fmt.Errorf("stage %s: %w", ds.Path(), err)
		}
		keep[name] = true
		meta.Parts = append(meta.Parts, PartMeta{File: name, Rows: p.Rows, Source: p.Source})
		meta.Rows += p.Rows
	}
	if len(parts) == 0 {
		// An empty dataset is one header-only part.
		name := "part-00000.csv"
		if err := fsys.WriteFile(ctx, fs, fsys.Join(dir, name), table.AppendCSV(nil, ds.Header())); err != nil {
			return err
		}
		keep[name] = true
		meta.Parts = append(meta.Parts, PartMeta{File: name})
	}
	entries, err := fs.ReadDir(ctx, dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !keep[e.Name] {
			if err := fs.RemoveAll(ctx, fsys.Join(dir, e.Name)); err != nil {
				return err
			}
		}
	}
	return writeJSON(ctx, fsys.Join(dir, SuccessFile), meta)
}

// stageFile concatenates a dataset's parts, in order, into one CSV file with
// a single header.
func stageFile(ctx context.Context, fs fsys.FS, tmp string, o Output, parts []Part) error {
	name := fsys.Join(tmp, o.File)
	w, err := fs.Create(ctx, name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.Write(table.AppendCSV(nil, o.Dataset.Header()))
	for _, p := range parts {
		if err := appendPart(ctx, fs, fsys.Join(tmp, o.Dataset.Path(), p.File), bw); err != nil {
			w.Close()
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		w.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return fs.RemoveAll(ctx, fsys.Join(tmp, o.Dataset.Path()))
}

// appendPart copies a part file without its header line.
func appendPart(ctx context.Context, fs fsys.FS, name string, w io.Writer) error {
	f, err := fs.Open(ctx, name)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	if _, err := r.ReadSlice('\n'); err != nil && !errors.Is(err, bufio.ErrBufferFull) {
		if err == io.EOF {
			return nil
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// apply swaps every staged path of a journal into place, then removes the
// staging folder. It is idempotent, so Recover can run it again after a
// crash at any point. On a local Linux filesystem a folder is exchanged
// with the previous version in one step, and a single file replaced by
// rename, so readers always find one complete version; elsewhere (HDFS) a
// folder is moved aside then the new one moved in, and a crash between the
// two leaves the dataset missing (never partial) until Recover.
func apply(ctx context.Context, fs fsys.FS, root, tmp string, j journal) error {
	run := fsys.Base(tmp)
	for _, p := range j.Paths {
		staged := fsys.Join(tmp, p)
		final := fsys.Join(root, p)
		old := fsys.Join(tmp, oldFolder, p)
		info, err := fs.Stat(ctx, staged)
		if fsys.IsNotExist(err) {
			continue // already moved in
		}
		if err != nil {
			return err
		}
		if info.IsDir {
			if done, err := exchanged(ctx, fs, staged, run); err != nil {
				return err
			} else if done {
				continue // staged now holds the previous version
			}
		}
		ok, err := fsys.Exists(ctx, fs, final)
		if err != nil {
			return err
		}
		switch {
		case ok && info.IsDir:
			if _, local := fs.(fsys.Local); local {
				if done, err := exchange(staged, final); err != nil {
					return fmt.Errorf("swap %s into place: %w", final, err)
				} else if done {
					Pause("swap")
					continue
				}
			}
			if err := fs.RemoveAll(ctx, old); err != nil {
				return err
			}
			if err := fs.Rename(ctx, final, old); err != nil {
				return fmt.Errorf("move %s aside: %w", final, err)
			}
			Pause("swap") // the dataset is missing until the next rename
		}
		// a file replaces the previous one in one rename
		if err := fs.Rename(ctx, staged, final); err != nil {
			return fmt.Errorf("move %s into place: %w", final, err)
		}
		Pause("swap")
	}
	// _temporary itself stays: other runs may be staging in it right now.
	return fs.RemoveAll(ctx, tmp)
}

// exchanged reports whether a staged folder was already exchanged with
// the previous version: it then holds a dataset of another run (or no
// complete one), since a staged folder always has this run's _SUCCESS.
func exchanged(ctx context.Context, fs fsys.FS, staged, run string) (bool, error) {
	var m Meta
	err := readJSON(ctx, fs, fsys.Join(staged, SuccessFile), &m)
	if fsys.IsNotExist(err) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return m.RunID != run, nil
}

// StaleAfter is how old an uncommitted run's staging folder must be before
// Recover removes it (a run still writing would be younger).
const StaleAfter = 24 * time.Hour

// Recover repairs what crashed runs left under root: a run that had written
// its journal is swapped into place (rolled forward); a run that never got
// that far is left alone until it is older than StaleAfter, then removed.
// It returns the ids of the runs it rolled forward.
func Recover(ctx context.Context, root string) ([]string, error) {
	fs, err := fsys.For(ctx, root)
	if err != nil {
		return nil, err
	}
	runs, err := fs.ReadDir(ctx, fsys.Join(root, TempFolder))
	if fsys.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var repaired []string
	for _, r := range runs {
		if !r.IsDir {
			continue
		}
		tmp := fsys.Join(root, TempFolder, r.Name)
		var j journal
		err := readJSON(ctx, fs, fsys.Join(tmp, journalFile), &j)
		switch {
		case err == nil:
			if err := apply(ctx, fs, root, tmp, j); err != nil {
				return repaired, fmt.Errorf("repair run %s: %w", r.Name, err)
			}
			repaired = append(repaired, r.Name)
		case fsys.IsNotExist(err):
			if time.Since(r.ModTime) > StaleAfter {
				if err := fs.RemoveAll(ctx, tmp); err != nil {
					return repaired, err
				}
			}
		default:
			return repaired, err
		}
	}
	return repaired, nil
}

// Abort removes a failed run's staging folder.
func Abort(ctx context.Context, t Target) error {
	fs, err := fsys.For(ctx, t.Root)
	if err != nil {
		return err
	}
	return fs.RemoveAll(ctx, t.TempDir())
}

func sameColumns(a, b []table.Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
