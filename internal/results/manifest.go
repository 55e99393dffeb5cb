package results

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/internal/fsys"
	"github.com/beamline/beamline/transforms/table"
)

func init() {
	register.Combiner3[Manifest, Entry, Manifest](&gatherFn{})
	register.DoFn2x1[context.Context, Manifest, error](&writeManifestFn{})
}

// Part is one part file a bundle wrote.
type Part struct {
	Dataset string `json:"dataset"` // the dataset's path (pig/sales_by_region)
	File    string `json:"file"`    // the file's name in the staging folder
	Source  string `json:"source,omitempty"`
	Seq     int64  `json:"seq"`
	Rows    int64  `json:"rows"`
	// Columns are a Dynamic dataset's full columns.
	Columns []table.Column `json:"columns,omitempty"`
}

// InputCounts is what a pipeline read of one input: read = clean + rejected.
type InputCounts struct {
	Input    string `json:"input"`
	Read     int64  `json:"read"`
	Clean    int64  `json:"clean"`
	Rejected int64  `json:"rejected"`
}

// Param is a value the run computed that its results depend on (as_of).
type Param struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Entry is one fact for the run's manifest: a part written, an input's
// counts, or a parameter. Exactly one field is set.
type Entry struct {
	Part   *Part
	Counts *InputCounts
	Param  *Param
}

// Manifest is what a run's pipeline reports to its driver: written to
// <temp>/_manifest.json by the last step, read by Commit.
type Manifest struct {
	Parts  []Part        `json:"parts"`
	Inputs []InputCounts `json:"inputs"`
	Params []Param       `json:"params"`
}

const manifestFile = "_manifest.json"

// Finish gathers every Entry (the outputs of Write, plus counts and
// parameters) into the run's manifest, which Commit needs. A run whose
// manifest is missing did not finish.
func Finish(s beam.Scope, t Target, entries ...beam.PCollection) {
	s = s.Scope("results.Finish")
	// A run always has a manifest, even one with no entries at all.
	entries = append(entries, beam.Create(s, Entry{Param: &Param{Key: "run_id", Value: t.Run}}))
	all := beam.Flatten(s, entries...)
	m := beam.Combine(s, &gatherFn{}, all)
	beam.ParDo0(s, &writeManifestFn{Target: t}, m)
}

// gatherFn collects entries into a manifest.
type gatherFn struct{}

func (gatherFn) CreateAccumulator() Manifest { return Manifest{} }

func (gatherFn) AddInput(m Manifest, e Entry) Manifest {
	switch {
	case e.Part != nil:
		m.Parts = append(m.Parts, *e.Part)
	case e.Counts != nil:
		m.Inputs = append(m.Inputs, *e.Counts)
	case e.Param != nil:
		m.Params = append(m.Params, *e.Param)
	}
	return m
}

func (gatherFn) MergeAccumulators(a, b Manifest) Manifest {
	a.Parts = append(a.Parts, b.Parts...)
	a.Inputs = append(a.Inputs, b.Inputs...)
	a.Params = append(a.Params, b.Params...)
	return a
}

func (gatherFn) ExtractOutput(m Manifest) Manifest {
	sort.Slice(m.Parts, func(i, j int) bool {
		a, b := m.Parts[i], m.Parts[j]
		if a.Dataset != b.Dataset {
			return a.Dataset < b.Dataset
		}
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.File < b.File
	})
	sort.Slice(m.Inputs, func(i, j int) bool { return m.Inputs[i].Input < m.Inputs[j].Input })
	sort.Slice(m.Params, func(i, j int) bool { return m.Params[i].Key < m.Params[j].Key })
	return m
}

// writeManifestFn writes the manifest, last, through a temporary name.
type writeManifestFn struct{ Target Target }

func (f *writeManifestFn) ProcessElement(ctx context.Context, m Manifest) error {
	Pause("manifest")
	return writeJSON(ctx, fsys.Join(f.Target.TempDir(), manifestFile), m)
}

// Param returns the value of key, or "".
func (m *Manifest) Param(key string) string {
	for _, p := range m.Params {
		if p.Key == key {
			return p.Value
		}
	}
	return ""
}

func writeJSON(ctx context.Context, name string, v any) error {
	fs, err := fsys.For(ctx, name)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := name + ".tmp-" + randomID()
	if err := fsys.WriteFile(ctx, fs, tmp, append(b, '\n')); err != nil {
		return err
	}
	if err := fs.Rename(ctx, tmp, name); err != nil {
		return fmt.Errorf("rename %s to %s: %w", tmp, name, err)
	}
	return nil
}

func readJSON(ctx context.Context, fs fsys.FS, name string, v any) error {
	b, err := fsys.ReadFile(ctx, fs, name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
