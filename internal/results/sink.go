// Package results writes, commits and reads datasets under the results
// contract (transforms/table): part files written per bundle under
// <root>/_temporary/<run>/, swapped into place together when the run has
// succeeded, each folder marked with a _SUCCESS file that readers trust.
package results

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/internal/fsys"
	"github.com/beamline/beamline/internal/progress"
	"github.com/beamline/beamline/transforms/table"
)

func init() {
	register.DoFn3x1[context.Context, table.Chunk, func(Entry), error](&writeFn{})
	register.Emitter1[Entry]()
}

// Target is where one run writes: an output root and the run's id.
type Target struct {
	Root string
	Run  string
}

// TempDir is the run's staging folder, <root>/_temporary/<run>.
func (t Target) TempDir() string { return fsys.Join(t.Root, TempFolder, t.Run) }

// TempFolder holds runs in progress under an output root; readers ignore it.
const TempFolder = "_temporary"

// Write writes the rows of ds, a PCollection<table.Chunk>, as part files in
// the run's staging folder: each bundle writes one part per chunk Source.
// It returns a PCollection<Entry> describing the parts, for the manifest.
func Write(s beam.Scope, t Target, ds table.Dataset, chunks beam.PCollection) beam.PCollection {
	s = s.Scope("results.Write." + ds.Name)
	return beam.ParDo(s, &writeFn{Target: t, Path: ds.Path(), Header: ds.Header(), Dynamic: ds.Dynamic}, chunks)
}

// writeFn writes chunks to part files, one per Source, per bundle.
type writeFn struct {
	Target  Target
	Path    string
	Header  []string
	Dynamic bool

	parts map[string]*partWriter
}

type partWriter struct {
	name    string
	seq     int64
	rows    int64
	columns []table.Column // a Dynamic dataset's full columns
	w       io.WriteCloser
	buf     *bufio.Writer
}

func (f *writeFn) StartBundle(context.Context, func(Entry)) error {
	f.parts = map[string]*partWriter{}
	return nil
}

func (f *writeFn) ProcessElement(ctx context.Context, c table.Chunk, _ func(Entry)) error {
	p := f.parts[c.Source]
	if p == nil {
		var err error
		if p, err = f.open(ctx, c); err != nil {
			return err
		}
		f.parts[c.Source] = p
	}
	if c.Seq < p.seq {
		p.seq = c.Seq
	}
	if f.Dynamic && len(c.Columns) != len(p.columns) {
		return fmt.Errorf("%s: chunks disagree on the dataset's columns", f.Path)
	}
	if _, err := p.buf.Write(c.CSV); err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	p.rows += c.Rows
	progress.Written.Add(c.Rows)
	if Pausing("write") { // a test kills the run with a part file half written
		p.buf.Flush()
		Pause("write")
	}
	return nil
}

func (f *writeFn) open(ctx context.Context, c table.Chunk) (*partWriter, error) {
	header := f.Header
	var columns []table.Column
	if f.Dynamic {
		if len(c.Columns) < len(f.Header) {
			return nil, fmt.Errorf("%s: a chunk of a dynamic dataset must carry its columns", f.Path)
		}
		columns = c.Columns
		header = make([]string, len(columns))
		for i, col := range columns {
			header[i] = col.Name
		}
	}
	name := fsys.Join(f.Target.TempDir(), f.Path, "attempt-"+randomID()+".csv")
	fs, err := fsys.For(ctx, name)
	if err != nil {
		return nil, err
	}
	w, err := fs.Create(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	p := &partWriter{name: name, seq: c.Seq, columns: columns, w: w, buf: bufio.NewWriterSize(w, 1<<20)}
	if _, err := p.buf.Write(table.AppendCSV(nil, header)); err != nil {
		w.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

func (f *writeFn) FinishBundle(ctx context.Context, emit func(Entry)) error {
	for source, p := range f.parts {
		if err := p.buf.Flush(); err != nil {
			p.w.Close()
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if err := p.w.Close(); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		emit(Entry{Part: &Part{Dataset: f.Path, File: fsys.Base(p.name), Source: source, Seq: p.seq, Rows: p.rows, Columns: p.columns}})
	}
	f.parts = nil
	return nil
}

func randomID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
