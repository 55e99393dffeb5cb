package synth

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestDeterministic(t *testing.T) {
	defer func(n int64) { chunkRows = n }(chunkRows)
	chunkRows = 97 // many chunks, so that workers interleave
	tests := []struct {
		name string
		a, b Config
		same bool
	}{
		{"same seed", Config{Rows: 3000, Seed: 1}, Config{Rows: 3000, Seed: 1}, true},
		{"same seed, dirty", Config{Rows: 3000, Seed: 9, Dirty: 0.05}, Config{Rows: 3000, Seed: 9, Dirty: 0.05}, true},
		{"workers do not matter", Config{Rows: 3000, Seed: 2, Dirty: 0.1, Workers: 1}, Config{Rows: 3000, Seed: 2, Dirty: 0.1, Workers: 3}, true},
		{"different seed", Config{Rows: 3000, Seed: 1}, Config{Rows: 3000, Seed: 2}, false},
		{"different seed, dirty", Config{Rows: 3000, Seed: 1, Dirty: 0.05}, Config{Rows: 3000, Seed: 2, Dirty: 0.05}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ea, sa, _, _ := generate(t, tt.a)
			eb, sb, _, _ := generate(t, tt.b)
			if got := bytes.Equal(ea, eb); got != tt.same {
				t.Errorf("employees equal = %v, want %v", got, tt.same)
			}
			if got := bytes.Equal(sa, sb); got != tt.same {
				t.Errorf("sales equal = %v, want %v", got, tt.same)
			}
		})
	}
}

func TestGenerateWritesFilesAndReport(t *testing.T) {
	cfg := Config{Rows: 2000, Employees: 300, Seed: 5, Dirty: 0.05}
	var outs [2][3][]byte
	for run := range outs {
		cfg.Dir = filepath.Join(t.TempDir(), "nested", "out")
		rep, err := Generate(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range []string{EmployeesFile, SalesFile, ReportFile} {
			b, err := os.ReadFile(filepath.Join(cfg.Dir, name))
			if err != nil {
				t.Fatal(err)
			}
			outs[run][i] = b
		}
		var back Report
		if err := json.Unmarshal(outs[run][2], &back); err != nil {
			t.Fatalf("report: %v", err)
		}
		if !bytes.Equal(back.JSON(), rep.JSON()) {
			t.Errorf("gen_report.json does not round-trip:\n%s\nvs\n%s", outs[run][2], rep.JSON())
		}
		if rep.Sales.Rows != 2000 || rep.Employees.Rows != 300 || rep.Customers != 40 || rep.Products != len(catalogue) {
			t.Errorf("report %+v", rep)
		}
	}
	for i := range outs[0] {
		if !bytes.Equal(outs[0][i], outs[1][i]) {
			t.Errorf("file %d differs between two runs", i)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		cfg Config
		ok  bool
	}{
		{Config{}, true},
		{Config{Rows: 10, Dirty: 0.999}, true},
		{Config{Rows: -1}, false},
		{Config{Employees: -1}, false},
		{Config{Dirty: 1}, false},
		{Config{Dirty: -0.1}, false},
		{Config{Workers: -2}, false},
	}
	for _, tt := range tests {
		if err := tt.cfg.Validate(); (err == nil) != tt.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", tt.cfg, err, tt.ok)
		}
	}
	if _, err := Generate(Config{Rows: 1}); err == nil {
		t.Error("Generate without a directory: no error")
	}
}

func TestAllocate(t *testing.T) {
	kinds := SaleKinds()
	for _, bad := range []int64{0, 1, 5, 12, 13, 14, 100, 12345} {
		c := allocate(bad, kinds)
		var sum int64
		for _, n := range c {
			sum += n
		}
		if sum != bad {
			t.Errorf("allocate(%d): %d rows given out", bad, sum)
		}
		if c[FieldTooLong] > 1 || c[UnterminatedQuote] > 1 {
			t.Errorf("allocate(%d): %d huge, %d unterminated", bad, c[FieldTooLong], c[UnterminatedQuote])
		}
		if bad >= int64(len(kinds)) {
			for _, k := range kinds {
				if c[k] == 0 {
					t.Errorf("allocate(%d): no %s", bad, k)
				}
			}
		}
	}
}
