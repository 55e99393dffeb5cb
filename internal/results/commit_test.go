package results

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beamline/beamline/transforms/table"
)

var ds = table.New(table.Pig, "x", "n desc", table.S("k"), table.I("n"))

// stage lays out what a finished run leaves behind: its parts (and one
// attempt no bundle reported) and its manifest.
func stage(t *testing.T, root, run string, parts map[string]string) Target {
	t.Helper()
	tgt := Target{Root: root, Run: run}
	m := Manifest{}
	seq := int64(0)
	for file, body := range parts {
		write(t, filepath.Join(tgt.TempDir(), ds.Path(), file), "k,n\n"+body)
		m.Parts = append(m.Parts, Part{Dataset: ds.Path(), File: file, Seq: seq, Rows: int64(strings.Count(body, "\n"))})
		seq++
	}
	write(t, filepath.Join(tgt.TempDir(), ds.Path(), "attempt-orphan.csv"), "k,n\nghost,0\n")
	b, _ := json.Marshal(m)
	write(t, filepath.Join(tgt.TempDir(), manifestFile), string(b))
	return tgt
}

func write(t *testing.T, name, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func rows(t *testing.T, root string) []string {
	t.Helper()
	_, rs, err := ReadAll(context.Background(), root, ds.Path())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, strings.Join(r, "="))
	}
	return out
}

func TestCommitSwapsTheRunIntoPlace(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	if _, err := Commit(ctx, stage(t, root, "r1", map[string]string{"attempt-a.csv": "a,1\n"}), []Output{{Dataset: ds}}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows(t, root), " "); got != "a=1" {
		t.Fatalf("after r1: %s", got)
	}
	if _, err := Commit(ctx, stage(t, root, "r2", map[string]string{"attempt-b.csv": "b,2\n", "attempt-c.csv": "c,3\n"}), []Output{{Dataset: ds}}); err != nil {
		t.Fatal(err)
	}
	m, err := Open(ctx, root, ds.Path())
	if err != nil {
		t.Fatal(err)
	}
	if m.RunID != "r2" || m.Rows != 2 || len(m.Parts) != 2 || m.Parts[0].File != "part-00000.csv" || m.Order != "n desc" {
		t.Errorf("meta %+v", m)
	}
	entries, _ := os.ReadDir(filepath.Join(root, ds.Path()))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	// The unreported attempt is gone; r1's folder and the staging are gone.
	if strings.Join(names, " ") != "_SUCCESS part-00000.csv part-00001.csv" {
		t.Errorf("files %v", names)
	}
	if left, _ := os.ReadDir(filepath.Join(root, TempFolder)); len(left) != 0 {
		t.Errorf("staging left: %v", left)
	}
}

func TestEmptyDatasetIsAHeaderOnlyPart(t *testing.T) {
	root := t.TempDir()
	if _, err := Commit(context.Background(), stage(t, root, "r1", nil), []Output{{Dataset: ds}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, ds.Path(), "part-00000.csv"))
	if err != nil || string(b) != "k,n\n" {
		t.Errorf("part %q %v", b, err)
	}
}

func TestUnfinishedRunLeavesThePreviousResults(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	Commit(ctx, stage(t, root, "r1", map[string]string{"attempt-a.csv": "a,1\n"}), []Output{{Dataset: ds}})
	// r2 died before writing its manifest.
	tgt := Target{Root: root, Run: "r2"}
	write(t, filepath.Join(tgt.TempDir(), ds.Path(), "attempt-b.csv"), "k,n\nb,2\n")
	if _, err := Commit(ctx, tgt, []Output{{Dataset: ds}}); err == nil || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("commit without manifest: %v", err)
	}
	if got := strings.Join(rows(t, root), " "); got != "a=1" {
		t.Errorf("results now %s", got)
	}
}

// TestRecoverFinishesAnInterruptedSwap simulates a crash in the middle of
// the swap: the journal is written and the old folder is moved aside, but
// the new one is not in place yet. Readers see no half dataset, and the
// next run's Recover rolls the commit forward.
func TestRecoverFinishesAnInterruptedSwap(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	Commit(ctx, stage(t, root, "r1", map[string]string{"attempt-a.csv": "a,1\n"}), []Output{{Dataset: ds}})
	tgt := stage(t, root, "r2", map[string]string{"attempt-b.csv": "b,2\n"})
	// Stage and journal as Commit does, then stop after moving r1 aside.
	if _, _, err := stageAll(ctx, tgt, []Output{{Dataset: ds}}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(tgt.TempDir(), oldFolder, "pig"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, ds.Path()), filepath.Join(tgt.TempDir(), oldFolder, ds.Path())); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, root, ds.Path()); err == nil {
		t.Fatal("dataset should be missing mid-swap")
	}
	repaired, err := Recover(ctx, root)
	if err != nil || len(repaired) != 1 || repaired[0] != "r2" {
		t.Fatalf("Recover = %v, %v", repaired, err)
	}
	if got := strings.Join(rows(t, root), " "); got != "b=2" {
		t.Errorf("after recovery: %s", got)
	}
	if _, err := os.Stat(tgt.TempDir()); !os.IsNotExist(err) {
		t.Errorf("staging of r2 still there: %v", err)
	}
}

func TestRecoverRemovesOnlyStaleUncommittedRuns(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	old := Target{Root: root, Run: "old"}
	young := Target{Root: root, Run: "young"}
	write(t, filepath.Join(old.TempDir(), "pig/x/attempt-1.csv"), "k,n\n")
	write(t, filepath.Join(young.TempDir(), "pig/x/attempt-1.csv"), "k,n\n")
	past := time.Now().Add(-StaleAfter - time.Hour)
	os.Chtimes(old.TempDir(), past, past)
	if _, err := Recover(ctx, root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old.TempDir()); !os.IsNotExist(err) {
		t.Error("stale run kept")
	}
	if _, err := os.Stat(young.TempDir()); err != nil {
		t.Error("a run that may still be writing was removed")
	}
}

func TestFileOutputConcatenatesPartsWithOneHeader(t *testing.T) {
	root := t.TempDir()
	tgt := stage(t, root, "r1", map[string]string{"attempt-a.csv": "a,1\n", "attempt-b.csv": "b,2\n"})
	if _, err := Commit(context.Background(), tgt, []Output{{Dataset: ds, File: "clean.csv"}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "clean.csv"))
	got := string(b)
	if err != nil || (got != "k,n\na,1\nb,2\n" && got != "k,n\nb,2\na,1\n") {
		t.Errorf("clean.csv %q %v", b, err)
	}
}

// TestRecoverAfterAnExchange: a crash right after a folder was exchanged
// with the previous version (the staged path now holds the old dataset)
// must not swap the old one back.
func TestRecoverAfterAnExchange(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	Commit(ctx, stage(t, root, "r1", map[string]string{"attempt-a.csv": "a,1\n"}), []Output{{Dataset: ds}})
	tgt := stage(t, root, "r2", map[string]string{"attempt-b.csv": "b,2\n"})
	if _, _, err := stageAll(ctx, tgt, []Output{{Dataset: ds}}); err != nil {
		t.Fatal(err)
	}
	done, err := exchange(filepath.Join(tgt.TempDir(), ds.Path()), filepath.Join(root, ds.Path()))
	if err != nil {
		t.Fatal(err)
	}
	if !done {
		t.Skip("this filesystem cannot exchange folders")
	}
	if got := strings.Join(rows(t, root), " "); got != "b=2" {
		t.Fatalf("after the exchange: %s", got)
	}
	if repaired, err := Recover(ctx, root); err != nil || len(repaired) != 1 {
		t.Fatalf("Recover = %v, %v", repaired, err)
	}
	if got := strings.Join(rows(t, root), " "); got != "b=2" {
		t.Errorf("after recovery: %s", got)
	}
	if m, err := Open(ctx, root, ds.Path()); err != nil || m.RunID != "r2" {
		t.Errorf("served %+v, %v", m, err)
	}
	if _, err := os.Stat(tgt.TempDir()); !os.IsNotExist(err) {
		t.Errorf("staging of r2 still there: %v", err)
	}
}
