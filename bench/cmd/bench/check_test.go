package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEqualValue(t *testing.T) {
	for _, tt := range []struct {
		want, got, typ string
		tol            float64
		eq             bool
		how            string
	}{
		{"96", "96", "decimal", 0, true, ""},
		{"96", "96.0", "decimal", 0, true, "format"},
		{"75000.00", "75000", "money", 0, true, "format"},
		{"75000.00", "75000.01", "money", 0, false, ""},
		{"0.1234", "0.1235", "decimal", 0.0001, true, "tolerated"},
		{"0.1234", "0.1236", "decimal", 0.0001, false, ""},
		{"Europe", "europe", "string", 0, false, ""},
		{"", "0", "money", 0, false, ""},
	} {
		eq, how := equalValue(tt.want, tt.got, tt.typ, tt.tol)
		if eq != tt.eq || how != tt.how {
			t.Errorf("equalValue(%q, %q, %s, %g) = %v %q, want %v %q", tt.want, tt.got, tt.typ, tt.tol, eq, how, tt.eq, tt.how)
		}
	}
}

func TestCompareDataset(t *testing.T) {
	types := map[string]string{"k": "string", "v": "int"}
	want := [][]string{{"k", "v"}, {"a", "1"}, {"b", "2"}}
	if d := compareDataset("pig/x", []string{"v"}, types, want, [][]string{{"k", "v"}, {"a", "1"}, {"b", "2"}}); len(d.diffs) != 0 {
		t.Errorf("identical: %v", d.diffs)
	}
	swapped := [][]string{{"k", "v"}, {"b", "2"}, {"a", "1"}}
	if d := compareDataset("pig/x", []string{"v"}, types, want, swapped); len(d.diffs) != 1 || !strings.Contains(d.diffs[0], "another order") {
		t.Errorf("ordered, swapped: %v", d.diffs)
	}
	if d := compareDataset("pig/x", nil, types, want, swapped); len(d.diffs) != 0 || !d.reordered {
		t.Errorf("unordered, swapped: %v", d.diffs)
	}
	tied := [][]string{{"k", "v"}, {"a", "1"}, {"b", "1"}}
	if d := compareDataset("pig/x", []string{"v"}, types, tied, [][]string{{"k", "v"}, {"b", "1"}, {"a", "1"}}); len(d.diffs) != 0 || !d.ties {
		t.Errorf("ordered, ties swapped: %v %+v", d.diffs, d)
	}
	if d := compareDataset("pig/x", []string{"v"}, types, want, [][]string{{"k", "v"}, {"a", "1"}, {"b", "3"}}); len(d.diffs) != 1 || !strings.Contains(d.diffs[0], `column v: beamline "2", got "3"`) {
		t.Errorf("different value: %v", d.diffs)
	}
}

// TestCrossCheck runs beamline (prism, direct, job server), DuckDB and
// plain Go on 50k generated rows and compares every dataset. It builds
// everything and takes about a minute: skipped with -short.
func TestCrossCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every engine")
	}
	wd, _ := os.Getwd()
	repo, err := findRepo(filepath.Join(wd, "..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	b := &bench{repo: repo, cache: filepath.Join(repo, "bench", ".cache")}
	b.bin = filepath.Join(b.cache, "bin")
	var out strings.Builder
	ok, err := b.crossCheck(&out, checkRows, checkSeed)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Error("the engines' datasets differ")
	}
}

func TestOrderColumns(t *testing.T) {
	for order, want := range map[string]string{
		"total_revenue desc, category":                                      "total_revenue category",
		"basket_size (Single, Small, Large)":                                "basket_size",
		"department, performance_segment (High, Good, Average, Developing)": "department performance_segment",
		"": "",
	} {
		if got := strings.Join(orderColumns(order), " "); got != want {
			t.Errorf("orderColumns(%q) = %q, want %q", order, got, want)
		}
	}
}
