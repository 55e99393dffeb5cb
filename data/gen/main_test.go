package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beamline/beamline/data/gen/synth"
)

func TestRunUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"help", []string{"--help"}, 0, "--dirty"},
		{"missing out", []string{"--rows", "10"}, 2, "--out is required"},
		{"negative rows", []string{"--rows", "-5", "--out", dir}, 2, "rows must be >= 0"},
		{"negative employees", []string{"--employees", "-1", "--out", dir}, 2, "employees must be >= 0"},
		{"rate of 1", []string{"--dirty", "1", "--out", dir}, 2, "dirty rate must be in [0, 1)"},
		{"negative rate", []string{"--dirty", "-0.1", "--out", dir}, 2, "dirty rate"},
		{"not a number", []string{"--rows", "ten", "--out", dir}, 2, "invalid value"},
		{"unknown flag", []string{"--bogus", "--out", dir}, 2, "not defined"},
		{"stray argument", []string{"--out", dir, "extra"}, 2, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q does not mention %q", stderr.String(), tt.stderr)
			}
		})
	}
}

func TestRunGenerates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--rows", "500", "--seed", "3", "--dirty", "0.1", "--out", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep synth.Report
	b, err := os.ReadFile(filepath.Join(dir, synth.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Sales.Rows != 500 || rep.Employees.Rows != 50 || rep.Sales.Bad != 50 || rep.Seed != 3 {
		t.Errorf("report %+v", rep)
	}
	for _, want := range []string{"total_mismatch", "unterminated_quote", "duplicates", synth.SalesFile} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("table does not mention %s:\n%s", want, stdout.String())
		}
	}
	for _, f := range []string{synth.SalesFile, synth.EmployeesFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
