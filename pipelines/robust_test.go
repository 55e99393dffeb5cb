package pipelines_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/beamline/beamline/data/gen/synth"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/transforms/records"
)

// crafted is a row added to a generated file, with the start of the reason
// it must be rejected for ("" when it must be accepted).
type crafted struct {
	row    string // with its line end
	reason string
}

// A field of 1 MiB, quoted and holding newlines and commas.
var hugeField = `"` + strings.Repeat("wide, long\n", 1<<20/11) + `"`

// The rows added to the generator's bad rows (which cover every kind, see
// synth.Kind): more shapes of the same problems, in other fields, and rows
// that look odd but must be accepted.
var craftedSales = []crafted{
	{"TX1,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2024-08-01,Europe\n", "wrong number of fields: got 11, want 12"},
	{"TX2,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo,extra\r\n", "wrong number of fields: got 13, want 12"},
	{"TX3,P1,Desk,Furn\"iture,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n", "category: bare quote in unquoted field"},
	{"\"TX4\"x,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n", "transaction_id: text after closing quote"},
	{",,,,,,,,,,,\n", "transaction_id: missing value"},
	{"TX6,P1,Desk,Furniture,2,10.00,20.00,  ,Ann,2024-08-01,Europe,Jo\n", "customer_id: missing value"},
	{"TX7,P1,Desk,Furniture,two,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n", `quantity: not an integer: "two"`},
	{"TX8,P1,Desk,Furniture,-2,10.00,-20.00,C1,Ann,2024-08-01,Europe,Jo\n", `quantity: must be >= 1: "-2"`},
	{"TX9,P1,Desk,Furniture,2,-10.00,-20.00,C1,Ann,2024-08-01,Europe,Jo\n", `unit_price: must be > 0: "-10.00"`},
	{"TX10,P1,Desk,Furniture,2,1e1,20.00,C1,Ann,2024-08-01,Europe,Jo\n", `unit_price: not a number: "1e1"`},
	{"TX11,P1,Desk,Furniture,2,10.00,21.00,C1,Ann,2024-08-01,Europe,Jo\n", `total_amount mismatch: "21.00" is not 2 x 10.00 = 20.00`},
	{"TX12,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2023-02-29,Europe,Jo\n", `sale_date: not a date: "2023-02-29"`},
	{"TX13,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2024-08-01T25:00:00Z,Europe,Jo\n", `sale_date: not a date`},
	{"TX14,P1,Desk,Furniture,2\xff,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n", "quantity: invalid UTF-8"},
	{"TX15,P1,Desk,Furniture,2,10.00,20.00,C1,\xc3\x28nn,2024-08-01,Europe,Jo\n", "customer_name: invalid UTF-8"},
	{"TX16,P1," + hugeField + ",Furniture,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n", "product_name: longer than 65536 bytes"},
	{"TG1,P1,\"Desk, wide\",Furniture,2,10.00,20.00,C1,\"Ann\r\nLee\",2024-08-01,Europe,Jo\r\n", ""},
	{" TG2 , P1 ,\"Lamp \"\"XL\"\"\",Home,1,5.00,5.00,C2,Bo,2024/08/02,Asia,Li\r\n\r\n", ""},
	{"TG3,P1,Desk,Furniture,3,0.10,0.31,C3,Cy,2024-08-01T23:30:00-05:00,Asia,Li\n", ""},
}

var craftedEmployees = []crafted{
	{"9000001,Ann,30,Paris,100.00,Sales,2020-01-01\n", "wrong number of fields: got 7, want 8"},
	{"9000002,\"Ann\"x,30,Paris,100.00,Sales,2020-01-01,Active\n", "name: text after closing quote"},
	{"9000003,Ann,30,Par\"is,100.00,Sales,2020-01-01,Active\n", "city: bare quote in unquoted field"},
	{"1.0,Ann,30,Paris,100.00,Sales,2020-01-01,Active\n", `id: not an integer: "1.0"`},
	{"9000005,Ann,abc,Paris,100.00,Sales,2020-01-01,Active\n", `age: not an integer: "abc"`},
	{"9000006,Ann,0,Paris,100.00,Sales,2020-01-01,Active\n", `age: out of range 1..120: "0"`},
	{"9000007,Ann,30,Paris,-5,Sales,2020-01-01,Active\n", `salary: must be > 0: "-5"`},
	{"9000008,Ann,30,Paris,75000.001,Sales,2020-01-01,Active\n", `salary: more than 2 decimals: "75000.001"`},
	{"9000009,Ann,30,Paris,100.00,Sales,2023-13-01,Active\n", `hire_date: not a date: "2023-13-01"`},
	{"9000010,Al\xffice,30,Paris,100.00,Sales,2020-01-01,Active\n", "name: invalid UTF-8"},
	{"9000011,Ann,30," + hugeField + ",100.00,Sales,2020-01-01,Active\n", "city: longer than 65536 bytes"},
	{"9000012,Ann,30,Paris,100.00,Sales,2020-01-01,\n", "status: missing value"},
	{"9000013,\"Lee, Ann\",30,\"New\nYork\",100.50,Sales,2020-02-29,Active\r\n", ""},
	{"\xEF\xBB\xBF9000014,Ann,30,Paris,100.00,Sales,2020-01-01,Active\n", "id: not an integer: "}, // a BOM only starts a file
}

// inputFile is one generated file with the crafted rows added.
type inputFile struct {
	path    string
	columns []string
	read    int64
	bad     int64 // rows the validator rejects
	dups    int64 // clean rows repeating an earlier id (ingest rejects them)
	want    map[int64]string
}

// addCrafted inserts rows just after the header of a generated file (the
// generator may end it with an unterminated quote, which would swallow rows
// appended at the end) and records the line each crafted reject must have.
func addCrafted(t *testing.T, path string, columns []string, fr synth.FileReport, rows []crafted) inputFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nl := strings.IndexByte(string(data), '\n') + 1
	var b strings.Builder
	in := inputFile{path: path, columns: columns, read: fr.Rows, bad: fr.Bad, dups: fr.Duplicates, want: map[int64]string{}}
	line := int64(2)
	for _, c := range rows {
		in.read++
		if c.reason != "" {
			in.bad++
			in.want[line] = c.reason
		}
		b.WriteString(c.row)
		line += int64(strings.Count(c.row, "\n"))
	}
	out := string(data[:nl]) + b.String() + string(data[nl:])
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return in
}

var summaryLine = regexp.MustCompile(`(?m)^(\w+): read (\d+), clean (\d+), rejected (\d+)`)

// summaryCounts returns the summary's read, clean, rejected for each input.
func summaryCounts(t *testing.T, stdout string) map[string][3]int64 {
	t.Helper()
	m := map[string][3]int64{}
	for _, g := range summaryLine.FindAllStringSubmatch(stdout, -1) {
		var c [3]int64
		for i := range c {
			c[i], _ = strconv.ParseInt(g[i+2], 10, 64)
		}
		m[g[1]] = c
	}
	return m
}

// noPanic runs bin and fails unless it ends normally (0, or 1 when
// wantFail) without a Go panic or trace.
func noPanic(t *testing.T, wantFail bool, bin string, args ...string) pipelinetest.Result {
	t.Helper()
	r := pipelinetest.Run(t, bin, args...)
	want := 0
	if wantFail {
		want = 1
	}
	if r.Code != want || strings.Contains(r.Stderr, "panic:") || strings.Contains(r.Stderr, "goroutine ") {
		t.Fatalf("%s %v: exit %d (want %d), stderr:\n%.3000s\nstdout:\n%.2000s", filepath.Base(bin), args, r.Code, want, r.Stderr, r.Stdout)
	}
	return r
}

// checkAccounted checks one CSV input of a run: read = clean + rejected in
// the summary, as many rows in the rejects dataset, each with a line and a
// reason naming a column (or the record's problem, or a duplicate), and
// each crafted row rejected on its line for its reason.
func checkAccounted(t *testing.T, got map[string][3]int64, out, pipeline, input string, in inputFile, dedupe bool) {
	t.Helper()
	c, ok := got[input]
	if !ok {
		t.Errorf("%s: no summary for %s", pipeline, input)
		return
	}
	rejected := in.bad
	if dedupe {
		rejected += in.dups
	}
	if c[0] != c[1]+c[2] || c[0] != in.read || c[2] != rejected {
		t.Errorf("%s %s: read %d, clean %d, rejected %d; want read %d = clean %d + rejected %d",
			pipeline, input, c[0], c[1], c[2], in.read, in.read-rejected, rejected)
	}
	_, rows := pipelinetest.Dataset(t, out, "rejects/"+pipeline+"/"+input)
	if int64(len(rows)) != c[2] {
		t.Errorf("%s %s: %d rows in the rejects dataset, summary says %d", pipeline, input, len(rows), c[2])
	}
	seen := map[int64]string{}
	for _, r := range rows {
		line, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil || line < 2 {
			t.Errorf("%s %s: reject without a data line: %q", pipeline, input, r[:2])
			continue
		}
		if prev, dup := seen[line]; dup {
			t.Errorf("%s %s: line %d rejected twice: %q and %q", pipeline, input, line, prev, r[1])
		}
		seen[line] = r[1]
		if !namesAField(r[1], in.columns, dedupe) {
			t.Errorf("%s %s: line %d: reason %q names no field", pipeline, input, line, r[1])
		}
	}
	for line, want := range in.want {
		if !strings.HasPrefix(seen[line], want) {
			t.Errorf("%s %s: line %d rejected for %q, want %q", pipeline, input, line, seen[line], want)
		}
	}
}

// namesAField reports whether a reason starts with a column name (or
// "field N"), or names a problem of the whole record.
func namesAField(reason string, columns []string, dedupe bool) bool {
	for _, p := range []string{"wrong number of fields: ", "total_amount mismatch: ", "field "} {
		if strings.HasPrefix(reason, p) {
			return true
		}
	}
	if dedupe && strings.HasPrefix(reason, "duplicate ") {
		return true
	}
	name, rest, ok := strings.Cut(reason, ": ")
	for _, c := range columns {
		if ok && rest != "" && name == c {
			return true
		}
	}
	return false
}

// TestEveryRowIsAccountedFor runs every pipeline on generated files salted
// with bad rows of every kind the generator knows plus crafted ones (see
// craftedSales), mixed with odd rows that must be accepted (BOM, CRLF,
// quoted commas, quotes and newlines, padding, blank lines): each run ends
// normally, without a panic, and accounts for every row.
func TestEveryRowIsAccountedFor(t *testing.T) {
	raw := t.TempDir()
	rep, err := synth.Generate(synth.Config{Rows: 3000, Employees: 600, Seed: 23, Dirty: 0.05, Dir: raw})
	if err != nil {
		t.Fatal(err)
	}
	for _, fr := range []synth.FileReport{rep.Sales, rep.Employees} {
		for kind, n := range fr.Kinds {
			if n == 0 {
				t.Fatalf("%s: the generator injected no %s rows: %+v", fr.File, kind, fr.Kinds)
			}
		}
	}
	if rep.Sales.Duplicates == 0 || rep.Sales.Tricky["bom"] != 1 || rep.Sales.Tricky["crlf"] == 0 || rep.Sales.Tricky["quoted_newline"] == 0 {
		t.Fatalf("the generated sales should hold duplicates and tricky rows: %+v", rep.Sales)
	}
	sales := addCrafted(t, filepath.Join(raw, synth.SalesFile), records.SaleColumns, rep.Sales, craftedSales)
	employees := addCrafted(t, filepath.Join(raw, synth.EmployeesFile), records.EmployeeColumns, rep.Employees, craftedEmployees)
	files := []string{"--sales", sales.path, "--employees", employees.path, "--block_size", "32768"}

	t.Run("ingest", func(t *testing.T) {
		out := t.TempDir()
		r := noPanic(t, false, pipelinetest.Build(t, "./pipelines/ingest"), "--from", raw, "--input", t.TempDir(), "--output", out, "--block_size", "32768")
		got := summaryCounts(t, r.Stdout)
		checkAccounted(t, got, out, "ingest", "sales", sales, true)
		checkAccounted(t, got, out, "ingest", "employees", employees, true)
	})
	for _, p := range []string{"sales", "employees", "advanced"} {
		t.Run(p, func(t *testing.T) {
			out := t.TempDir()
			r := noPanic(t, false, pipelinetest.Build(t, "./pipelines/"+p), append(files, "--output", out)...)
			got := summaryCounts(t, r.Stdout)
			if p != "employees" {
				checkAccounted(t, got, out, p, "sales", sales, false)
			}
			if p != "sales" {
				checkAccounted(t, got, out, p, "employees", employees, false)
			}
		})
	}
	t.Run("mongo", func(t *testing.T) {
		// ingest validates the generated documents, a share of them bad, and
		// loads the good ones into MongoDB; the mongo pipeline reads them
		// with the dirty CSV files.
		docs, err := synth.WriteDocs(raw, 400, 23, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		if docs.BadSales == 0 || docs.BadCustomers == 0 {
			t.Fatalf("the generated documents should be dirty: %+v", docs)
		}
		uri := mongotest.URI(t)
		loaded := t.TempDir()
		r := noPanic(t, false, pipelinetest.Build(t, "./pipelines/ingest"), "--from", raw, "--input", t.TempDir(), "--output", loaded,
			"--docs", filepath.Join(raw, synth.DocsDir), "--mongo-uri", uri)
		ingested := summaryCounts(t, r.Stdout)
		checkDocs(t, ingested, loaded, "ingest", "mongo_sales", docs.Sales, docs.BadSales)
		checkDocs(t, ingested, loaded, "ingest", "mongo_customers", docs.Customers, docs.BadCustomers)

		out := t.TempDir()
		r = noPanic(t, false, pipelinetest.Build(t, "./pipelines/mongo"), append(files, "--output", out, "--mongo-uri", uri)...)
		got := summaryCounts(t, r.Stdout)
		checkAccounted(t, got, out, "mongo", "sales", sales, false)
		checkAccounted(t, got, out, "mongo", "employees", employees, false)
		// What ingest loaded is what the pipeline reads.
		checkDocs(t, got, out, "mongo", "mongo_sales", ingested["mongo_sales"][1], 0)
		for _, input := range []string{"mongo_customers", "mongo_products"} {
			if c, ok := got[input]; !ok || c[0] != c[1]+c[2] {
				t.Errorf("mongo %s: %v, want read = clean + rejected:\n%s", input, c, r.Stdout)
			}
		}
	})
}

// checkDocs checks one MongoDB input of a run: read documents = clean +
// rejected, as many as expected, and each reject's reason names a field.
func checkDocs(t *testing.T, got map[string][3]int64, out, pipeline, input string, read, rejected int64) {
	t.Helper()
	c, ok := got[input]
	if !ok || c[0] != c[1]+c[2] || c[0] != read || c[2] != rejected {
		t.Errorf("%s %s: %v, want read %d = clean %d + rejected %d", pipeline, input, c, read, read-rejected, rejected)
	}
	_, rows := pipelinetest.Dataset(t, out, "rejects/"+pipeline+"/"+input)
	if int64(len(rows)) != c[2] {
		t.Errorf("%s %s: %d rejects written, summary says %d", pipeline, input, len(rows), c[2])
	}
	for _, row := range rows {
		if name, rest, ok := strings.Cut(row[1], ": "); !ok || name == "" || rest == "" {
			t.Errorf("%s %s: reason %q names no field", pipeline, input, row[1])
		}
	}
}

// TestBadFilesEndEveryPipeline extends TestBadInputsEndTheRunWithAClearMessage
// (the sales pipeline) to the other pipelines and a few more broken files: a
// file that cannot be read as the input ends the run before it starts, with
// exit 1 and a message naming the file and the problem, never a panic.
func TestBadFilesEndEveryPipeline(t *testing.T) {
	employees := strings.Join(records.EmployeeColumns, ",")
	noCity := strings.Replace(employees, ",city", "", 1)
	bodies := []struct{ name, body, msg string }{
		{"empty", "", "empty file: no header"},
		{"bom-only", "\xEF\xBB\xBF\r\n  \r\n", "empty file: no header"},
		{"header-only", "\xEF\xBB\xBF" + employees + "\r\n\r\n \n", "no data rows after the header"},
		{"missing-column", noCity + "\n1,Ann,30,100.00,Sales,2020-01-01,Active\n", "missing required column(s) city"},
		{"twice", employees + ",city\n1,Ann,30,Paris,100.00,Sales,2020-01-01,Active,Lyon\n", `column "city" appears twice in the header`},
		{"bad-header", "id,\"name\n1,Ann\n", "header line 1: unterminated quoted field"},
	}
	uri := mongotest.URI(t)
	for _, p := range []string{"employees", "advanced", "mongo", "ingest"} {
		bin := pipelinetest.Build(t, "./pipelines/"+p)
		for _, b := range bodies {
			t.Run(p+"/"+b.name, func(t *testing.T) {
				dir := t.TempDir()
				file := writeFile(t, dir, synth.EmployeesFile, b.body)
				out := filepath.Join(dir, "out")
				args := []string{"--employees", file, "--output", out}
				switch p {
				case "ingest":
					args = []string{"--from", dir, "--input", t.TempDir(), "--output", out}
				case "mongo":
					args = append(args, "--mongo-uri", uri)
				}
				r := noPanic(t, true, bin, args...)
				if !strings.Contains(r.Stderr, file+": "+b.msg) {
					t.Errorf("stderr:\n%s\nwant %q", r.Stderr, file+": "+b.msg)
				}
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Errorf("a refused run wrote %s", out)
				}
			})
		}
	}
}
