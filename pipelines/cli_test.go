// Package pipelines_test checks what every pipeline command shares: its
// refusals of bad input and usage, its summary, and that a stripped binary
// runs (every function is registered with Beam).
package pipelines_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/transforms/records"
)

func TestMain(m *testing.M) {
	code := mongotest.Main(m) // the mongo pipeline and ingest --docs need a MongoDB
	pipelinetest.Cleanup()
	os.Exit(code)
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadInputsEndTheRunWithAClearMessage(t *testing.T) {
	bin := pipelinetest.Build(t, "./pipelines/sales")
	dir := t.TempDir()
	header := strings.Join(records.SaleColumns, ",")
	noRegion := strings.Replace(header, ",region", "", 1)
	tests := []struct {
		name, body string
		code       int
		msg        string
	}{
		{"missing.csv", noRegion + "\nT1,P1,X,C,1,1.00,1.00,C1,N,2024-01-01,S\n", 1, "missing.csv: missing required column(s) region"},
		{"empty.csv", "", 1, "empty.csv: empty file: no header"},
		{"header-only.csv", header + "\n\n", 1, "header-only.csv: no data rows after the header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pipelinetest.Run(t, bin, "--sales", writeFile(t, dir, tt.name, tt.body), "--output", filepath.Join(dir, "out"))
			if r.Code != tt.code || !strings.Contains(r.Stderr, tt.msg) || strings.Contains(r.Stderr, "panic") {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", r.Code, r.Stderr, tt.code, tt.msg)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "pig")); !os.IsNotExist(err) {
		t.Error("a refused run wrote results")
	}
}

func TestBadUsageExitsTwo(t *testing.T) {
	sales := pipelinetest.Build(t, "./pipelines/sales")
	advanced := pipelinetest.Build(t, "./pipelines/advanced")
	out := t.TempDir()
	tests := []struct {
		bin  string
		args []string
		msg  string
	}{
		{sales, []string{"--runner", "dataflow"}, `--runner "dataflow" is not supported`},
		{sales, []string{"--sales", "nope/*.csv"}, "nope/*.csv: no such file"},
		{sales, []string{"--sales", "data"}, "is a directory"},
		{sales, []string{"--no-such-flag"}, "flag provided but not defined"},
		{sales, []string{"extra"}, "unexpected arguments"},
		{advanced, []string{"--as-of", "2024-02-30"}, `--as-of "2024-02-30" is not a date`},
	}
	for _, tt := range tests {
		r := pipelinetest.Run(t, tt.bin, append(tt.args, "--output", out)...)
		if r.Code != 2 || !strings.Contains(r.Stderr, tt.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tt.args, r.Code, r.Stderr, tt.msg)
		}
	}
}

func TestHelpListsTheFlags(t *testing.T) {
	r := pipelinetest.Run(t, pipelinetest.Build(t, "./pipelines/advanced"), "--help")
	for _, want := range []string{"--input", "--output", "--sales", "--employees", "--runner", "--as-of", "Exit status"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("--help lacks %s:\n%s", want, r.Stderr)
		}
	}
	if r.Code != 0 {
		t.Errorf("--help exit %d", r.Code)
	}
}

// TestStrippedBinaryRuns builds a pipeline without symbols: Beam can then
// only call functions that are registered, so a missing register.* fails
// here.
func TestStrippedBinaryRuns(t *testing.T) {
	for _, p := range []string{"./pipelines/sales", "./pipelines/employees", "./pipelines/advanced"} {
		bin := pipelinetest.Build(t, p, "-ldflags=-s -w")
		r := pipelinetest.MustRun(t, bin, "--output", t.TempDir())
		if !strings.Contains(r.Stdout, "rejected 0") {
			t.Errorf("%s: %s", p, r.Stdout)
		}
	}
	bin := pipelinetest.Build(t, "./pipelines/ingest", "-ldflags=-s -w")
	pipelinetest.MustRun(t, bin, "--from", "data/input", "--input", t.TempDir(), "--output", t.TempDir())
}

// TestDirtyInputIsAccountedFor: every row is clean or rejected with its
// line and a reason naming the field; a glob reads several files, each
// with its own rejects part.
func TestDirtyInputIsAccountedFor(t *testing.T) {
	bin := pipelinetest.Build(t, "./pipelines/sales")
	dir := t.TempDir()
	header := strings.Join(records.SaleColumns, ",")
	ok := "T1,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo"
	writeFile(t, dir, "a.csv", "\xEF\xBB\xBF"+header+"\r\n"+ok+"\r\n"+
		"T2,P1,Desk,Furniture,x,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\r\n"+
		"\r\n"+
		"T3,P1,\"Desk,\nwide\",Furniture,1,10.00,10.00,C2,Bo,2024/08/02,Asia,Li\r\n")
	writeFile(t, dir, "b.csv", header+"\nT4,P1,Desk,Furniture,1,10.00,10.00,C2,Bo,2024-02-30,Asia,Li\nT5,P2,Lamp,Home,1,5.00,5.00,C3,Cy,2024-08-03,Asia,Li")
	out := filepath.Join(dir, "out")
	r := pipelinetest.MustRun(t, bin, "--sales", filepath.Join(dir, "*.csv"), "--output", out, "--block_size", "64")
	if !strings.Contains(r.Stdout, "sales: read 5, clean 3, rejected 2") {
		t.Errorf("summary:\n%s", r.Stdout)
	}
	m, rejects := pipelinetest.Dataset(t, out, "rejects/sales/sales")
	if len(m.Parts) != 2 || !strings.HasSuffix(m.Parts[0].Source, "a.csv") || !strings.HasSuffix(m.Parts[1].Source, "b.csv") {
		t.Errorf("parts %+v", m.Parts)
	}
	want := [][]string{
		{"3", `quantity: not an integer: "x"`, "T2,P1,Desk,Furniture,x,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo"},
		{"2", `sale_date: not a date: "2024-02-30"`, "T4,P1,Desk,Furniture,1,10.00,10.00,C2,Bo,2024-02-30,Asia,Li"},
	}
	if len(rejects) != 2 || strings.Join(rejects[0], "|") != strings.Join(want[0], "|") || strings.Join(rejects[1], "|") != strings.Join(want[1], "|") {
		t.Errorf("rejects %q", rejects)
	}
	_, kpi := pipelinetest.Dataset(t, out, "pig/sales_kpi_global")
	if strings.Join(kpi[0], ",") != "3,35.00,11.67,4,3" {
		t.Errorf("kpi %v", kpi)
	}
}
