package publish

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/results"
	"github.com/beamline/beamline/transforms/table"
)

// Chunk limits: a chunk holds at most ChunkRows rows and about ChunkBytes
// of CSV, far below MongoDB's 16 MiB document limit even for rejects' 64
// KiB raw lines. A chunk's rows are one CSV text, not one document per row:
// the embedded server decodes a 256-row text in well under a millisecond,
// but needs ~50 ms for 1000 nested row documents.
const (
	ChunkRows  = 256
	ChunkBytes = 1 << 20
)

// Dataset is a dataset's header document in `results`: what it is and
// where each of its chunks starts.
type Dataset struct {
	ID       string         `bson:"_id"`
	Kind     string         `bson:"kind"` // "dataset"
	RunID    string         `bson:"run_id"`
	Analysis string         `bson:"analysis"`
	Family   string         `bson:"family"`
	Path     string         `bson:"path"`
	Pipeline string         `bson:"pipeline,omitempty"`
	Columns  []table.Column `bson:"columns"`
	// Keys are the field names of the columns in each row document (a
	// column's name, made safe for MongoDB).
	Keys       []string          `bson:"keys"`
	Order      string            `bson:"order,omitempty"`
	Rows       int64             `bson:"rows"`
	Starts     []int64           `bson:"chunk_starts"` // the row index each chunk starts at
	ProducedAt time.Time         `bson:"produced_at"`
	Params     map[string]string `bson:"params,omitempty"`
	// Reasons counts a rejects dataset's rows per kind of reason, most
	// frequent first.
	Reasons []ReasonCount `bson:"reasons,omitempty"`
}

// ReasonCount is how many rejects share a kind of reason.
type ReasonCount struct {
	Reason string `bson:"reason" json:"reason"`
	Count  int64  `bson:"count" json:"count"`
}

// chunk is one run of consecutive rows of a dataset in `results`.
type chunk struct {
	ID       string `bson:"_id"`
	Kind     string `bson:"kind"` // "rows"
	RunID    string `bson:"run_id"`
	Analysis string `bson:"analysis"`
	Family   string `bson:"family"`
	Path     string `bson:"path"`
	Seq      int    `bson:"seq"`
	First    int64  `bson:"first_row"`
	Rows     int64  `bson:"rows"`
	CSV      string `bson:"csv"` // the rows, as the dataset's part files hold them, without header
}

// datasetID and chunkID are the deterministic _ids of a run's documents.
func datasetID(run, path string) string { return run + "/" + path }
func chunkID(run, path string, seq int) string {
	return fmt.Sprintf("%s/%s/%06d", run, path, seq)
}

// Publish loads the datasets run committed under root into `results`,
// marks the run published with its counts, then removes the rows of the
// runs it replaces. Until the run is marked, readers keep serving the
// previous run; if Publish fails, the run is marked failed and its rows
// removed.
func Publish(ctx context.Context, s *mongostore.Store, runID, root string, inputs []Counts) (err error) {
	start := time.Now()
	r, err := GetRun(ctx, s, runID)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			if ferr := Fail(context.WithoutCancel(ctx), s, runID, fmt.Errorf("publishing: %w", err)); ferr != nil {
				err = fmt.Errorf("%w (and marking the run failed: %v)", err, ferr)
			}
		}
	}()
	metas, err := runDatasets(ctx, root, runID)
	if err != nil {
		return err
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		return err
	}
	if err := setRun(ctx, s, runID, bson.D{{Key: "status", Value: Publishing}}); err != nil {
		return err
	}
	refs := make([]DatasetRef, 0, len(metas))
	for _, m := range metas {
		if err := load(ctx, s, root, m); err != nil {
			return fmt.Errorf("publishing %s: %w", m.Path, err)
		}
		refs = append(refs, DatasetRef{Path: m.Path, Family: m.Family, Analysis: m.Dataset, Rows: m.Rows})
	}
	params := paramsOf(metas)
	if inputs == nil {
		inputs = []Counts{}
	}
	now := time.Now().UTC()
	fields := bson.D{
		{Key: "status", Value: Published}, {Key: "published_at", Value: now},
		{Key: "datasets", Value: refs}, {Key: "inputs", Value: inputs},
		{Key: "publish_ms", Value: time.Since(start).Milliseconds()},
	}
	if r.Finished == nil {
		fields = append(fields, bson.E{Key: "finished", Value: now}, bson.E{Key: "duration_ms", Value: now.Sub(r.Started).Milliseconds()})
	}
	if len(params) > 0 {
		fields = append(fields, bson.E{Key: "params", Value: params})
	}
	if err := setRun(ctx, s, runID, fields); err != nil {
		return err
	}
	// Published: from here on a failure only leaves old rows behind, which
	// the next publication removes.
	return removeReplaced(ctx, s, runID, refs)
}

// Finish records a run's end before publication: its duration and input
// counts (for runs that are not published, e.g. without datasets).
func Finish(ctx context.Context, s *mongostore.Store, runID string, inputs []Counts) error {
	r, err := GetRun(ctx, s, runID)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	if inputs == nil {
		inputs = []Counts{}
	}
	return setRun(ctx, s, runID, bson.D{
		{Key: "finished", Value: now}, {Key: "duration_ms", Value: now.Sub(r.Started).Milliseconds()},
		{Key: "inputs", Value: inputs},
	})
}

// runDatasets returns the datasets under root committed by run.
func runDatasets(ctx context.Context, root, run string) ([]results.Meta, error) {
	all, err := results.List(ctx, root)
	if err != nil {
		return nil, err
	}
	var out []results.Meta
	for _, m := range all {
		if m.RunID == run {
			out = append(out, m)
		}
	}
	return out, nil
}

// paramsOf returns the parameters the run's results depend on (its as-of
// date), kept in each dataset's metadata.
func paramsOf(metas []results.Meta) map[string]string {
	params := map[string]string{}
	for _, m := range metas {
		for _, p := range m.Params {
			params[p.Key] = p.Value
		}
	}
	return params
}

// load writes one dataset's chunks, then its header.
func load(ctx context.Context, s *mongostore.Store, root string, m results.Meta) error {
	d := Dataset{
		ID: datasetID(m.RunID, m.Path), Kind: "dataset", RunID: m.RunID, Analysis: m.Dataset, Family: m.Family,
		Path: m.Path, Pipeline: m.Pipeline, Columns: m.Columns, Order: m.Order, ProducedAt: m.ProducedAt.UTC(),
		Starts: []int64{},
	}
	if len(m.Params) > 0 {
		d.Params = map[string]string{}
		for _, p := range m.Params {
			d.Params[p.Key] = p.Value
		}
	}
	reason := -1
	if m.Family == table.Rejects {
		reason = m.Column("reason")
	}
	reasons := map[string]int64{}
	var (
		pending []any
		cur     *chunk
		size    int
		buf     []byte
	)
	flush := func(force bool) error {
		if cur != nil && (force || cur.Rows >= ChunkRows || size >= ChunkBytes) {
			cur.CSV = string(buf)
			buf = buf[:0]
			pending = append(pending, *cur)
			cur = nil
		}
		if len(pending) >= 16 || (force && len(pending) > 0) {
			if err := s.Insert(ctx, mongostore.Results, pending); err != nil {
				return err
			}
			pending = pending[:0]
			results.Pause("publish")
		}
		return nil
	}
	err := results.Rows(ctx, root, m, func(row []string) error {
		if cur == nil {
			seq := len(d.Starts)
			d.Starts = append(d.Starts, d.Rows)
			cur = &chunk{ID: chunkID(m.RunID, m.Path, seq), Kind: "rows", RunID: m.RunID, Analysis: m.Dataset,
				Family: m.Family, Path: m.Path, Seq: seq, First: d.Rows}
			size = 0
		}
		n := len(buf)
		buf = table.AppendCSV(buf, row)
		size += len(buf) - n
		cur.Rows++
		d.Rows++
		if reason >= 0 {
			reasons[ReasonKind(row[reason])]++
		}
		return flush(false)
	})
	if err != nil {
		return err
	}
	if err := flush(true); err != nil {
		return err
	}
	for r, n := range reasons {
		d.Reasons = append(d.Reasons, ReasonCount{r, n})
	}
	sort.Slice(d.Reasons, func(i, j int) bool {
		a, b := d.Reasons[i], d.Reasons[j]
		return a.Count > b.Count || (a.Count == b.Count && a.Reason < b.Reason)
	})
	return s.Replace(ctx, mongostore.Results, []any{d})
}

// Typed returns a CSV value as the BSON value of its column's kind:
// numbers as int64 or double (money and decimals have at most 4 decimals
// and so print back exactly), booleans as bool, an empty value as null.
func Typed(k table.Kind, v string) any {
	if v == "" && k != table.String {
		return nil
	}
	switch k {
	case table.Int:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case table.Money, table.Decimal:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	case table.Bool:
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}

// ReasonKind is a reject reason without the rejected value, for counting
// rejects per reason: `quantity: not an integer: "abc"` → `quantity: not an
// integer`.
func ReasonKind(reason string) string {
	if i := strings.IndexByte(reason, '"'); i > 0 {
		reason = reason[:i]
	}
	return strings.TrimRight(reason, ": ")
}

// removeReplaced removes, for each dataset just published, the rows of
// older runs that served it, and marks those datasets replaced in their
// runs' documents.
func removeReplaced(ctx context.Context, s *mongostore.Store, runID string, refs []DatasetRef) error {
	now := map[string]bool{}
	for _, r := range refs {
		now[r.Path] = true
	}
	runs, err := Runs(ctx, s, 0)
	if err != nil {
		return err
	}
	for _, old := range runs {
		if old.ID == runID || old.Status == Running || old.Status == Failed {
			continue // a failed run's rows went when it failed
		}
		if old.Status == Publishing { // a publication that died half way
			if err := Fail(ctx, s, old.ID, errors.New("publication interrupted")); err != nil {
				return err
			}
			continue
		}
		changed := false
		for i, d := range old.Datasets {
			if now[d.Path] && !d.Replaced {
				old.Datasets[i].Replaced = true
				changed = true
			}
		}
		if !changed {
			continue
		}
		if err := removeRows(ctx, s, old, now); err != nil {
			return err
		}
		if err := setRun(ctx, s, old.ID, bson.D{{Key: "datasets", Value: old.Datasets}}); err != nil {
			return err
		}
	}
	return nil
}

// removeRows deletes a run's documents in `results` for the given paths,
// by _id; with nil paths, all of them, by run id (a run that failed while
// loading may have chunks without a header).
func removeRows(ctx context.Context, s *mongostore.Store, r Run, paths map[string]bool) error {
	c := s.DB.Collection(mongostore.Results)
	if paths == nil {
		if _, err := c.DeleteMany(ctx, bson.D{{Key: "run_id", Value: r.ID}}); err != nil {
			return fmt.Errorf("MongoDB %s.results: removing run %s: %w", s.DB.Name(), r.ID, err)
		}
		return nil
	}
	cur, err := c.Find(ctx, bson.D{{Key: "run_id", Value: r.ID}, {Key: "kind", Value: "dataset"}})
	if err != nil {
		return fmt.Errorf("MongoDB %s.results: %w", s.DB.Name(), err)
	}
	var ds []Dataset
	if err := cur.All(ctx, &ds); err != nil {
		return fmt.Errorf("MongoDB %s.results: %w", s.DB.Name(), err)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Path < ds[j].Path })
	for _, d := range ds {
		if paths != nil && !paths[d.Path] {
			continue
		}
		ids := []any{d.ID} // the header first: the dataset disappears at once
		for seq := range d.Starts {
			ids = append(ids, chunkID(r.ID, d.Path, seq))
		}
		if err := s.DeleteIDs(ctx, mongostore.Results, ids); err != nil {
			return err
		}
	}
	return nil
}
