package publish_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/internal/results"
	"github.com/beamline/beamline/transforms/table"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Main(m)) }

var cols = []table.Column{table.S("region"), table.I("n"), table.M("revenue")}

// commit writes a committed dataset the way internal/results does: a part
// file and a _SUCCESS holding its metadata.
func commit(t testing.TB, root, run, path string, columns []table.Column, rows [][]string) {
	t.Helper()
	dir := filepath.Join(root, path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var csv []byte
	head := make([]string, len(columns))
	for i, c := range columns {
		head[i] = c.Name
	}
	csv = table.AppendCSV(csv, head)
	for _, r := range rows {
		csv = table.AppendCSV(csv, r)
	}
	if err := os.WriteFile(filepath.Join(dir, "part-00000.csv"), csv, 0o644); err != nil {
		t.Fatal(err)
	}
	family, name, _ := strings.Cut(path, "/")
	if family == table.Rejects {
		name = path[strings.LastIndexByte(path, '/')+1:]
	}
	m := results.Meta{Dataset: name, Family: family, Path: path, Columns: columns, Rows: int64(len(rows)),
		Parts: []results.PartMeta{{File: "part-00000.csv", Rows: int64(len(rows))}}, RunID: run, ProducedAt: time.Now(),
		Params: []results.Param{{Key: "as_of", Value: "2024-08-26"}}}
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, results.SuccessFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func regionRows(n int, tag string) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("%s-%05d", tag, i), fmt.Sprint(i), fmt.Sprintf("%d.%02d", i, i%100)}
	}
	return rows
}

func run(t *testing.T, s *mongostore.Store, id string, started time.Time) {
	t.Helper()
	if err := publish.Begin(context.Background(), s, publish.Run{ID: id, Pipeline: "sales", Runner: "prism", Started: started}); err != nil {
		t.Fatal(err)
	}
}

func countRun(t *testing.T, s *mongostore.Store, id string) int64 {
	t.Helper()
	n, err := s.DB.Collection(mongostore.Results).CountDocuments(context.Background(), bson.D{{Key: "run_id", Value: id}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPublishPagesAndReplaces(t *testing.T) {
	ctx := context.Background()
	s := mongotest.Store(t)
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	rootA, rootB := t.TempDir(), t.TempDir()
	commit(t, rootA, "runA", "pig/sales_by_region", cols, regionRows(2500, "a"))
	commit(t, rootA, "runA", "pig/other", cols, regionRows(3, "o"))
	commit(t, rootA, "runA", "rejects/sales/sales", []table.Column{table.I("line"), table.S("reason"), table.S("raw")},
		[][]string{{"2", `quantity: not an integer: "x"`, "raw"}, {"5", `quantity: not an integer: "y"`, "raw"}, {"9", "sale_date: missing value", ""}})
	commit(t, rootA, "older", "pig/ignored", cols, regionRows(1, "i")) // another run's dataset in the same root

	run(t, s, "runA", time.Now().Add(-time.Minute))
	if err := publish.Publish(ctx, s, "runA", rootA, []publish.Counts{{Input: "sales", Read: 10, Clean: 7, Rejected: 3}}); err != nil {
		t.Fatal(err)
	}
	cat, err := publish.Catalogue(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat) != 3 || cat[0].Path != "pig/other" || cat[1].Path != "pig/sales_by_region" || cat[2].Path != "rejects/sales/sales" {
		t.Fatalf("catalogue = %+v", cat)
	}
	d := cat[1]
	if d.Rows != 2500 || len(d.Starts) != 10 || d.Analysis != "sales_by_region" || d.Family != "pig" || d.RunID != "runA" {
		t.Fatalf("header = %+v", d)
	}
	if got := cat[2].Reasons; len(got) != 2 || got[0] != (publish.ReasonCount{Reason: "quantity: not an integer", Count: 2}) ||
		got[1] != (publish.ReasonCount{Reason: "sale_date: missing value", Count: 1}) {
		t.Fatalf("reasons = %v", got)
	}
	// a page across a chunk boundary, in order, typed
	page, err := publish.Page(ctx, s, d, 995, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 10 || page[0][0] != "a-00995" || page[9][0] != "a-01004" {
		t.Fatalf("page = %v", page)
	}
	if n, ok := page[5][1].(int64); !ok || n != 1000 {
		t.Fatalf("int column = %#v, want int64 1000", page[5][1])
	}
	if f, ok := page[5][2].(float64); !ok || f != 1000.00 {
		t.Fatalf("money column = %#v", page[5][2])
	}
	last, err := publish.Page(ctx, s, d, 2490, 1000)
	if err != nil || len(last) != 10 || last[9][0] != "a-02499" {
		t.Fatalf("last page = %d rows, %v", len(last), err)
	}
	if empty, err := publish.Page(ctx, s, d, 5000, 10); err != nil || len(empty) != 0 {
		t.Fatalf("page past the end = %v, %v", empty, err)
	}
	r, err := publish.GetRun(ctx, s, "runA")
	if err != nil || r.Status != publish.Published || len(r.Datasets) != 3 || r.Inputs[0].Rejected != 3 || r.Params["as_of"] != "2024-08-26" || r.PublishedAt == nil {
		t.Fatalf("run = %+v, %v", r, err)
	}

	// A second run of one dataset replaces it; the other stays served by A.
	commit(t, rootB, "runB", "pig/sales_by_region", cols, regionRows(5, "b"))
	run(t, s, "runB", time.Now())
	if err := publish.Publish(ctx, s, "runB", rootB, nil); err != nil {
		t.Fatal(err)
	}
	d, err = publish.Lookup(ctx, s, "pig/sales_by_region")
	if err != nil || d.RunID != "runB" || d.Rows != 5 {
		t.Fatalf("after runB: %+v, %v", d, err)
	}
	if o, err := publish.Lookup(ctx, s, "pig/other"); err != nil || o.RunID != "runA" {
		t.Fatalf("pig/other should still come from runA: %+v, %v", o, err)
	}
	// runA's rows of the replaced dataset are gone: 2 headers + 1 chunk each left
	if n := countRun(t, s, "runA"); n != 4 {
		t.Fatalf("runA has %d documents left, want 4 (other + rejects)", n)
	}
	r, _ = publish.GetRun(ctx, s, "runA")
	for _, ds := range r.Datasets {
		if ds.Replaced != (ds.Path == "pig/sales_by_region") {
			t.Fatalf("runA datasets = %+v", r.Datasets)
		}
	}

	// A failed run leaves runB served.
	run(t, s, "runC", time.Now())
	if err := publish.Fail(ctx, s, "runC", errors.New("boom")); err != nil {
		t.Fatal(err)
	}
	// A run whose publication fails (a part file is missing) is marked failed
	// and leaves nothing behind.
	rootD := t.TempDir()
	commit(t, rootD, "runD", "pig/sales_by_region", cols, regionRows(1500, "d"))
	commit(t, rootD, "runD", "pig/zz_broken", cols, regionRows(2, "z"))
	os.Remove(filepath.Join(rootD, "pig/zz_broken/part-00000.csv"))
	run(t, s, "runD", time.Now())
	if err := publish.Publish(ctx, s, "runD", rootD, nil); err == nil {
		t.Fatal("publishing with a missing part file succeeded")
	}
	if d, err := publish.Lookup(ctx, s, "pig/sales_by_region"); err != nil || d.RunID != "runB" {
		t.Fatalf("after failed runs: %+v, %v", d, err)
	}
	for _, id := range []string{"runC", "runD"} {
		r, _ := publish.GetRun(ctx, s, id)
		if r.Status != publish.Failed || r.Error == "" || r.Finished == nil {
			t.Fatalf("%s = %+v", id, r)
		}
		if n := countRun(t, s, id); n != 0 {
			t.Fatalf("%s left %d documents in results", id, n)
		}
	}
	runs, err := publish.Runs(ctx, s, 0)
	if err != nil || len(runs) != 4 || runs[len(runs)-1].ID != "runA" {
		t.Fatalf("runs = %d, %v", len(runs), err)
	}
	if _, err := publish.Lookup(ctx, s, "pig/nope"); !errors.Is(err, publish.ErrNoDataset) {
		t.Fatalf("unknown dataset: %v", err)
	}
}

func TestReasonKind(t *testing.T) {
	for in, want := range map[string]string{
		`quantity: not an integer: "abc"`:                    "quantity: not an integer",
		"sale_date: missing value":                           "sale_date: missing value",
		`total_amount mismatch: "10" is not 2 x 4.00 = 8.00`: "total_amount mismatch",
	} {
		if got := publish.ReasonKind(in); got != want {
			t.Errorf("ReasonKind(%q) = %q, want %q", in, got, want)
		}
	}
}
