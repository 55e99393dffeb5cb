package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The cross-check dataset by default: small, another seed than the
// benchmark's.
const (
	checkRows = 50_000
	checkSeed = 3
)

// tolerances are the float-derived columns, compared within an absolute
// tolerance (the last digit written may differ with the summation order);
// every other value must be equal (numbers compared after parsing).
var tolerances = map[string]float64{
	"spark/ml_features/*":                   0.0001, // every column but customer_id
	"spark/market_basket_pairs/lift":        0.0001,
	"spark/employee_performance/salary_std": 0.01,
}

// tolerance returns a column's tolerance; 0 for an exact column.
func tolerance(dataset, column string) float64 {
	if t, ok := tolerances[dataset+"/"+column]; ok {
		return t
	}
	if column != "customer_id" {
		return tolerances[dataset+"/*"]
	}
	return 0
}

// crossCheck runs every engine on the check dataset and compares each
// dataset with beamline's on prism (the reference), writing a report to
// w. It returns whether everything agreed.
func (b *bench) crossCheck(w io.Writer, rows int64, seed int) (bool, error) {
	if err := b.build(); err != nil {
		return false, err
	}
	name := fmt.Sprintf("check-%s-seed%d", short(rows), seed)
	if seed == 1 {
		name = "sales-" + itoa(rows) // the benchmark's own data
	}
	d, err := b.data(name, rows, 0, seed)
	if err != nil {
		return false, err
	}
	srv, err := startJobServer(filepath.Join(b.bin, "prism"), filepath.Join(b.cache, "prism-check.log"))
	if err != nil {
		return false, err
	}
	defer srv.stop()
	eng := b.engines(srv)
	root := filepath.Join(b.cache, "check")
	if err := os.RemoveAll(root); err != nil {
		return false, err
	}
	type target struct {
		engine   string
		analyses []string
	}
	all := []string{"sales", "employees", "advanced"}
	targets := []target{{"prism", all}, {"direct", []string{"sales"}}, {"jobserver", []string{"sales"}}, {"duckdb", all}, {"plain", []string{"sales"}}}
	for _, t := range targets {
		for _, a := range t.analyses {
			wl := &workload{name: a + " " + short(rows), analysis: a, data: d}
			argv := eng[t.engine].argv(wl, filepath.Join(root, t.engine))
			if err := command(b.repo, argv[0], argv[1:]...); err != nil {
				return false, err
			}
		}
	}
	fmt.Fprintf(w, "cross-check on %s sales rows and %s employees (seed %d, as-of %s), reference: beamline on prism\n",
		short(rows), short(max(50, rows/10)), seed, asOf)
	ok := true
	for _, t := range targets[1:] {
		for _, a := range t.analyses {
			res, err := compareRuns(filepath.Join(root, "prism"), filepath.Join(root, t.engine), a)
			if err != nil {
				return false, err
			}
			ok = ok && res.ok()
			fmt.Fprintf(w, "  %-28s %-9s %s\n", eng[t.engine].name, a+":", res.summary())
			for _, line := range res.details {
				fmt.Fprintf(w, "      %s\n", line)
			}
		}
	}
	if ok {
		fmt.Fprintln(w, "every dataset agrees")
	} else {
		fmt.Fprintln(w, "DIFFERENCES FOUND")
	}
	return ok, nil
}

// meta is what a committed dataset's _SUCCESS says of it.
type meta struct {
	Dataset  string `json:"dataset"`
	Family   string `json:"family"`
	Pipeline string `json:"pipeline"`
	Order    string `json:"order"`
	Columns  []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"columns"`
	Parts []struct {
		File string `json:"file"`
	} `json:"parts"`
}

// comparison is the outcome of comparing one analysis's datasets.
type comparison struct {
	datasets, identical, differing int
	tolerated                      int // values equal only within a float tolerance
	formats                        int // values equal as numbers, written differently
	reordered                      int // datasets without a declared order, rows in another order
	ties                           int // ordered datasets whose rows tied on the sort key come in another order
	details                        []string
}

func (c *comparison) ok() bool { return c.differing == 0 }

func (c *comparison) summary() string {
	s := fmt.Sprintf("%d datasets, %d identical", c.datasets, c.identical)
	if c.differing > 0 {
		s += fmt.Sprintf(", %d DIFFER", c.differing)
	}
	var notes []string
	if c.tolerated > 0 {
		notes = append(notes, fmt.Sprintf("%d float values within tolerance", c.tolerated))
	}
	if c.formats > 0 {
		notes = append(notes, fmt.Sprintf("%d numbers written differently", c.formats))
	}
	if c.reordered > 0 {
		notes = append(notes, fmt.Sprintf("%d unordered datasets in another row order", c.reordered))
	}
	if c.ties > 0 {
		notes = append(notes, fmt.Sprintf("%d ordered datasets with ties in another order", c.ties))
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	return s
}

// compareRuns compares the datasets one analysis wrote under ref (beamline,
// committed with _SUCCESS) with those under other (the same folders).
func compareRuns(ref, other, analysis string) (*comparison, error) {
	c := &comparison{}
	var metas []meta
	for _, family := range []string{"pig", "spark"} {
		dirs, _ := filepath.Glob(filepath.Join(ref, family, "*", "_SUCCESS"))
		for _, f := range dirs {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			var m meta
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			if m.Pipeline == analysis {
				metas = append(metas, m)
			}
		}
	}
	if len(metas) == 0 {
		return nil, fmt.Errorf("%s: no %s datasets", ref, analysis)
	}
	sort.Slice(metas, func(i, j int) bool { return metas[i].Dataset < metas[j].Dataset })
	for _, m := range metas {
		c.datasets++
		name := m.Family + "/" + m.Dataset
		var files []string
		for _, p := range m.Parts {
			files = append(files, filepath.Join(ref, name, p.File))
		}
		want, err := readCSV(files)
		if err != nil {
			return nil, err
		}
		files, _ = filepath.Glob(filepath.Join(other, name, "part-*.csv"))
		sort.Strings(files)
		if len(files) == 0 {
			c.differing++
			c.details = append(c.details, name+": missing")
			continue
		}
		got, err := readCSV(files)
		if err != nil {
			return nil, err
		}
		types := map[string]string{}
		for _, col := range m.Columns {
			types[col.Name] = col.Type
		}
		d := compareDataset(name, orderColumns(m.Order), types, want, got)
		c.tolerated += d.tolerated
		c.formats += d.formats
		if d.reordered {
			c.reordered++
		}
		if d.ties {
			c.ties++
			c.details = append(c.details, fmt.Sprintf("%s: rows tied on the whole declared order (%s) come in another order (noted, not a difference)", name, m.Order))
		}
		if len(d.diffs) == 0 {
			c.identical++
			continue
		}
		c.differing++
		c.details = append(c.details, d.diffs...)
	}
	return c, nil
}

// readCSV reads the parts of a dataset: the header of the first, then
// every part's rows (a part's header must match).
func readCSV(files []string) ([][]string, error) {
	var out [][]string
	for i, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		r := csv.NewReader(fh)
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if len(recs) == 0 {
			return nil, fmt.Errorf("%s: no header", f)
		}
		if i == 0 {
			out = append(out, recs[0])
		} else if strings.Join(recs[0], ",") != strings.Join(out[0], ",") {
			return nil, fmt.Errorf("%s: header %v, not %v", f, recs[0], out[0])
		}
		out = append(out, recs[1:]...)
	}
	return out, nil
}

// datasetDiff is the outcome of comparing one dataset.
type datasetDiff struct {
	diffs              []string
	tolerated, formats int
	reordered          bool // the same rows in another order
	ties               bool // … and the same sequence of sort keys: only ties differ
}

// orderColumns returns the columns of a declared order ("total_revenue
// desc, category", "basket_size (Single, Small, Large)").
func orderColumns(order string) []string {
	order = regexp.MustCompile(`\([^)]*\)`).ReplaceAllString(order, "")
	var cols []string
	for _, f := range strings.Split(order, ",") {
		if f = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f), " desc")); f != "" {
			cols = append(cols, f)
		}
	}
	return cols
}

// maxDiffs is how many differences are listed per dataset.
const maxDiffs = 5

// compareDataset compares want (beamline's, header first) with got. Rows
// are compared in order; when they differ only in order, that is a note
// for a dataset without a declared order (order empty) or whose rows differ
// in order only where they tie on every order column; a difference
// otherwise.
func compareDataset(name string, order []string, types map[string]string, want, got [][]string) datasetDiff {
	var d datasetDiff
	if strings.Join(want[0], ",") != strings.Join(got[0], ",") {
		d.diffs = append(d.diffs, fmt.Sprintf("%s: columns %v, beamline's %v", name, got[0], want[0]))
		return d
	}
	header := want[0]
	w, g := want[1:], got[1:]
	if len(w) != len(g) {
		d.diffs = append(d.diffs, fmt.Sprintf("%s: %d rows, beamline %d", name, len(g), len(w)))
	}
	cmp := func(w, g [][]string) (diffs []string, tolerated, formats int) {
		n := 0
		for i := 0; i < min(len(w), len(g)); i++ {
			if len(w[i]) != len(g[i]) {
				n++
				if n <= maxDiffs {
					diffs = append(diffs, fmt.Sprintf("%s row %d: %d fields, beamline %d", name, i+1, len(g[i]), len(w[i])))
				}
				continue
			}
			for j, col := range header {
				eq, how := equalValue(w[i][j], g[i][j], types[col], tolerance(name, col))
				switch {
				case !eq:
					n++
					if n <= maxDiffs {
						diffs = append(diffs, fmt.Sprintf("%s row %d (%s=%s) column %s: beamline %q, got %q", name, i+1, header[0], w[i][0], col, w[i][j], g[i][j]))
					}
				case how == "tolerated":
					tolerated++
				case how == "format":
					formats++
				}
			}
		}
		if n > maxDiffs {
			diffs = append(diffs, fmt.Sprintf("%s: %d differences in all", name, n))
		}
		return diffs, tolerated, formats
	}
	diffs, tolerated, formats := cmp(w, g)
	if len(diffs) > 0 && len(w) == len(g) {
		// The same rows in another order?
		sw, sg := sortedRows(w), sortedRows(g)
		if sd, st, sf := cmp(sw, sg); len(sd) == 0 {
			d.tolerated, d.formats, d.reordered = st, sf, true
			if len(order) > 0 {
				if sameKeys(header, order, w, g) {
					d.reordered, d.ties = false, true
				} else {
					d.diffs = append(d.diffs, fmt.Sprintf("%s: the same rows in another order (first difference: %s)", name, diffs[0]))
				}
			}
			return d
		}
	}
	d.diffs = append(d.diffs, diffs...)
	d.tolerated, d.formats = tolerated, formats
	return d
}

// sameKeys reports whether w and g have the same sequence of values in the
// order columns (those of header).
func sameKeys(header, order []string, w, g [][]string) bool {
	var idx []int
	for _, col := range order {
		for j, h := range header {
			if h == col {
				idx = append(idx, j)
			}
		}
	}
	if len(idx) == 0 {
		return false
	}
	for i := range w {
		for _, j := range idx {
			if w[i][j] != g[i][j] {
				return false
			}
		}
	}
	return true
}

func sortedRows(rows [][]string) [][]string {
	out := append([][]string(nil), rows...)
	sort.Slice(out, func(i, j int) bool { return strings.Join(out[i], "\x00") < strings.Join(out[j], "\x00") })
	return out
}

// equalValue compares one value: equal text; or, for a number column,
// equal numbers written differently ("format"); or, with a tolerance,
// numbers at most tol apart ("tolerated").
func equalValue(want, got, typ string, tol float64) (bool, string) {
	if want == got {
		return true, ""
	}
	if tol > 0 {
		a, err1 := strconv.ParseFloat(want, 64)
		b, err2 := strconv.ParseFloat(got, 64)
		if err1 == nil && err2 == nil && math.Abs(a-b) <= tol*(1+1e-9) {
			return true, "tolerated"
		}
		return false, ""
	}
	switch typ {
	case "int", "money", "decimal":
		a, ok1 := new(big.Rat).SetString(want)
		b, ok2 := new(big.Rat).SetString(got)
		if ok1 && ok2 && a.Cmp(b) == 0 {
			return true, "format"
		}
	}
	return false, ""
}
