package hdfs

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/beamline/beamline/internal/fsys"
	"github.com/beamline/beamline/internal/results"
	"github.com/beamline/beamline/transforms/table"
)

var dataset = table.New(table.Pig, "x", "n desc", table.S("k"), table.I("n"))

// stageRun lays out on HDFS what a finished run leaves behind: its part
// files, one attempt no bundle reported, and the manifest.
func stageRun(t *testing.T, root, run string, parts map[string]string) results.Target {
	t.Helper()
	tgt := results.Target{Root: root, Run: run}
	var m results.Manifest
	seq := int64(0)
	for file, body := range parts {
		mustWrite(t, FS{}, fsys.Join(tgt.TempDir(), dataset.Path(), file), []byte("k,n\n"+body))
		m.Parts = append(m.Parts, results.Part{Dataset: dataset.Path(), File: file, Seq: seq, Rows: int64(strings.Count(body, "\n"))})
		seq++
	}
	mustWrite(t, FS{}, fsys.Join(tgt.TempDir(), dataset.Path(), "attempt-orphan.csv"), []byte("k,n\nghost,0\n"))
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, FS{}, fsys.Join(tgt.TempDir(), "_manifest.json"), b)
	return tgt
}

func committedRows(t *testing.T, root string) string {
	t.Helper()
	_, rows, err := results.ReadAll(context.Background(), root, dataset.Path())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, "="))
	}
	return strings.Join(out, " ")
}

// TestResultsCommitOnHDFS runs the results sink's atomic commit against an
// hdfs:// root: staged parts renamed into place with _SUCCESS, the previous
// run swapped out, the staging removed.
func TestResultsCommitOnHDFS(t *testing.T) {
	ctx := context.Background()
	root := dir(t) + "/out"
	if _, err := results.Commit(ctx, stageRun(t, root, "r1", map[string]string{"attempt-a.csv": "a,1\n"}), []results.Output{{Dataset: dataset}}); err != nil {
		t.Fatal(err)
	}
	if got := committedRows(t, root); got != "a=1" {
		t.Fatalf("after r1: %s", got)
	}
	tgt := stageRun(t, root, "r2", map[string]string{"attempt-b.csv": "b,2\n", "attempt-c.csv": "c,3\n"})
	if _, err := results.Commit(ctx, tgt, []results.Output{{Dataset: dataset}}); err != nil {
		t.Fatal(err)
	}
	m, err := results.Open(ctx, root, dataset.Path())
	if err != nil {
		t.Fatal(err)
	}
	if m.RunID != "r2" || m.Rows != 2 || len(m.Parts) != 2 || m.Parts[0].File != "part-00000.csv" {
		t.Errorf("meta %+v", m)
	}
	if got := committedRows(t, root); got != "b=2 c=3" && got != "c=3 b=2" {
		t.Errorf("after r2: %s", got)
	}
	entries, err := (FS{}).ReadDir(ctx, fsys.Join(root, dataset.Path()))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name)
	}
	if err != nil || strings.Join(names, " ") != "_SUCCESS part-00000.csv part-00001.csv" {
		t.Errorf("committed folder %v %v", names, err)
	}
	if left, err := (FS{}).ReadDir(ctx, fsys.Join(root, results.TempFolder)); err != nil || len(left) != 0 {
		t.Errorf("staging left: %v %v", left, err)
	}
	if repaired, err := results.Recover(ctx, root); err != nil || len(repaired) != 0 {
		t.Errorf("Recover after a clean commit = %v, %v", repaired, err)
	}
	if metas, err := results.List(ctx, root); err != nil || len(metas) != 1 || metas[0].Path != dataset.Path() {
		t.Errorf("List = %+v, %v", metas, err)
	}
}

// TestResultsFileOutputOnHDFS commits a dataset as one concatenated CSV
// file, as ingest does for its clean inputs.
func TestResultsFileOutputOnHDFS(t *testing.T) {
	ctx := context.Background()
	root := dir(t) + "/in"
	tgt := stageRun(t, root, "r1", map[string]string{"attempt-a.csv": "a,1\n", "attempt-b.csv": "b,2\n"})
	if _, err := results.Commit(ctx, tgt, []results.Output{{Dataset: dataset, File: "clean.csv"}}); err != nil {
		t.Fatal(err)
	}
	b, err := fsys.ReadFile(ctx, FS{}, root+"/clean.csv")
	if got := string(b); err != nil || (got != "k,n\na,1\nb,2\n" && got != "k,n\nb,2\na,1\n") {
		t.Errorf("clean.csv %q %v", b, err)
	}
}

// TestUnfinishedRunOnHDFSLeavesThePreviousResults: a run without its
// manifest does not commit, and the committed dataset stays.
func TestUnfinishedRunOnHDFSLeavesThePreviousResults(t *testing.T) {
	ctx := context.Background()
	root := dir(t) + "/out"
	if _, err := results.Commit(ctx, stageRun(t, root, "r1", map[string]string{"attempt-a.csv": "a,1\n"}), []results.Output{{Dataset: dataset}}); err != nil {
		t.Fatal(err)
	}
	tgt := results.Target{Root: root, Run: "r2"}
	mustWrite(t, FS{}, fsys.Join(tgt.TempDir(), dataset.Path(), "attempt-b.csv"), []byte("k,n\nb,2\n"))
	if _, err := results.Commit(ctx, tgt, []results.Output{{Dataset: dataset}}); err == nil || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("commit without a manifest: %v", err)
	}
	if got := committedRows(t, root); got != "a=1" {
		t.Errorf("results now %s", got)
	}
	if err := results.Abort(ctx, tgt); err != nil {
		t.Fatal(err)
	}
	if ok, err := fsys.Exists(ctx, FS{}, tgt.TempDir()); ok || err != nil {
		t.Errorf("aborted staging still there: %v %v", ok, err)
	}
}
