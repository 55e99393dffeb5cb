package synth

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/beamline/beamline/transforms/csvio"
	"github.com/beamline/beamline/transforms/records"
)

// readBack parses a whole generated file the way a pipeline does: header,
// then one block over the rest, validated with parse.
func readBack[T any](t *testing.T, file string, data []byte, columns []string, parse csvio.ParseFunc[T]) ([]T, csvio.RejectBlock) {
	t.Helper()
	h, err := csvio.ReadHeader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: header: %v", file, err)
	}
	if strings.Join(h.Names, ",") != strings.Join(columns, ",") {
		t.Fatalf("%s: header %q, want %q", file, h.Names, columns)
	}
	cols, err := h.Columns(columns)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	b := csvio.Block{File: file, Start: h.End, End: int64(len(data)), Line: h.Line, Header: h.Names, Columns: cols}
	return csvio.ParseBlock(&b, string(data[h.End:]), parse)
}

// classify names the kind of bad row a reject reason stands for.
func classify(reason string) (Kind, bool) {
	field, _, _ := strings.Cut(reason, ":")
	has := func(s string) bool { return strings.Contains(reason, s) }
	switch {
	case has("wrong number of fields"):
		return WrongFieldCount, true
	case has("bare quote in unquoted field"), has("text after closing quote"):
		return BadQuoting, true
	case has("unterminated quoted field"):
		return UnterminatedQuote, true
	case has(": longer than "):
		return FieldTooLong, true
	case has("total_amount mismatch"):
		return TotalMismatch, true
	case has(": missing value"):
		return MissingValue, true
	case has(": invalid UTF-8"):
		return InvalidUTF8, true
	case has(": not an integer"):
		return NotAnInteger, true
	case has(": integer out of range"), has(": out of range "), has(": must be >= 1"),
		has(": must be > 0") && field == "id":
		return OutOfRange, true
	case has(": must be > 0"), has(": must be >= 0"):
		return NonPositiveAmount, true
	case has(": not a number"):
		return NotANumber, true
	case has(": more than 2 decimals"):
		return TooManyDecimals, true
	case has(": not a date"):
		return ImpossibleDate, true
	}
	return 0, false
}

// checkRejects checks the rejects against the report and, in order, against
// the plan: the k-th reject is the k-th bad row, for the intended reason.
func checkRejects(t *testing.T, fr *FileReport, p *plan, rb *csvio.RejectBlock, clean int) {
	t.Helper()
	if rb.Read != fr.Rows {
		t.Errorf("%s: read %d records, report says %d rows", fr.File, rb.Read, fr.Rows)
	}
	if int64(len(rb.Rows)) != fr.Bad {
		t.Errorf("%s: %d rejects, report says %d bad", fr.File, len(rb.Rows), fr.Bad)
	}
	if int64(clean) != fr.Clean {
		t.Errorf("%s: %d clean rows, report says %d", fr.File, clean, fr.Clean)
	}
	got := map[string]int64{}
	var want []Kind
	for _, ev := range p.events {
		if ev.kind != kindDuplicate {
			want = append(want, ev.kind)
		}
	}
	inOrder := true
	for i, rj := range rb.Rows {
		k, ok := classify(rj.Reason)
		if !ok {
			t.Errorf("%s line %d: unclassified reason %q", fr.File, rj.Line, rj.Reason)
			continue
		}
		got[k.String()]++
		if inOrder && i < len(want) && want[i] != k {
			// Later rejects are misaligned too: report the first only.
			t.Errorf("%s line %d: rejected as %s (%q), planned %s; raw %.200q", fr.File, rj.Line, k, rj.Reason, want[i], rj.Raw)
			inOrder = false
		}
	}
	for name, n := range fr.Kinds {
		if got[name] != n {
			t.Errorf("%s: %d rejects of kind %s, report says %d", fr.File, got[name], name, n)
		}
	}
	for name := range got {
		if _, ok := fr.Kinds[name]; !ok {
			t.Errorf("%s: rejects of kind %s, not in the report", fr.File, name)
		}
	}
}

func generate(t testing.TB, cfg Config) (emp, sales []byte, er, sr FileReport) {
	t.Helper()
	var eb, sb bytes.Buffer
	var err error
	if er, err = WriteEmployees(&eb, cfg); err != nil {
		t.Fatal(err)
	}
	if sr, err = WriteSales(&sb, cfg); err != nil {
		t.Fatal(err)
	}
	return eb.Bytes(), sb.Bytes(), er, sr
}

func TestReaderAgreesWithReport(t *testing.T) {
	tests := []struct {
		rows, employees int64
		seed            uint64
		dirty           float64
	}{
		{3000, 2000, 1, 0},
		{3000, 2000, 1, 0.05},
		{4000, 1500, 2, 0.01},
		{2500, 800, 3, 0.3},
		{200, 0, 4, 0.9},
		{30, 20, 5, 0.2}, // fewer bad rows than kinds
		{1, 1, 6, 0.5},
		{0, 0, 7, 0.5},
	}
	for _, tt := range tests {
		cfg := Config{Rows: tt.rows, Employees: tt.employees, Seed: tt.seed, Dirty: tt.dirty}
		t.Run(fmt.Sprintf("rows=%d,seed=%d,dirty=%v", tt.rows, tt.seed, tt.dirty), func(t *testing.T) {
			emp, sales, er, sr := generate(t, cfg)

			cleanSales, rb := readBack(t, SalesFile, sales, records.SaleColumns, records.ParseSaleInto)
			checkRejects(t, &sr, newSalesGen(&cfg).plan, &rb, len(cleanSales))
			seen := map[string]bool{}
			var dups int64
			for _, s := range cleanSales {
				if seen[s.TransactionID] {
					dups++
				}
				seen[s.TransactionID] = true
			}
			if dups != sr.Duplicates {
				t.Errorf("sales: %d duplicate transaction ids among clean rows, report says %d", dups, sr.Duplicates)
			}

			cleanEmp, rb := readBack(t, EmployeesFile, emp, records.EmployeeColumns, records.ParseEmployeeInto)
			checkRejects(t, &er, newEmployeesGen(&cfg).plan, &rb, len(cleanEmp))
			ids := map[int64]bool{}
			dups = 0
			for _, e := range cleanEmp {
				if ids[e.ID] {
					dups++
				}
				ids[e.ID] = true
			}
			if dups != er.Duplicates {
				t.Errorf("employees: %d duplicate ids among clean rows, report says %d", dups, er.Duplicates)
			}

			for _, f := range []struct {
				fr   *FileReport
				data []byte
			}{{&er, emp}, {&sr, sales}} {
				checkForm(t, &cfg, f.fr, f.data)
			}
		})
	}
}

// checkForm checks the file's bytes: BOM and tricky rows only when dirty,
// every kind present when there are enough bad rows.
func checkForm(t *testing.T, cfg *Config, fr *FileReport, data []byte) {
	t.Helper()
	hasBOM := bytes.HasPrefix(data, bom)
	if hasBOM != (cfg.Dirty > 0) || fr.Tricky["bom"] != map[bool]int64{false: 0, true: 1}[hasBOM] {
		t.Errorf("%s: BOM %v at dirty %v, report %d", fr.File, hasBOM, cfg.Dirty, fr.Tricky["bom"])
	}
	if int64(len(data)) != fr.Bytes {
		t.Errorf("%s: %d bytes, report says %d", fr.File, len(data), fr.Bytes)
	}
	if cfg.Dirty == 0 {
		if bytes.IndexByte(data, '\r') >= 0 || bytes.Contains(data, []byte("\n\n")) {
			t.Errorf("%s: clean file has CR or blank lines", fr.File)
		}
		for _, name := range []string{"crlf", "padded", "quoted", "blank_line", "quoted_newline"} {
			if fr.Tricky[name] != 0 {
				t.Errorf("%s: clean file has %d %s rows", fr.File, fr.Tricky[name], name)
			}
		}
		if fr.Bad != 0 || fr.Duplicates != 0 {
			t.Errorf("%s: clean file has %d bad and %d duplicate rows", fr.File, fr.Bad, fr.Duplicates)
		}
		return
	}
	if fr.Bad >= int64(len(fr.Kinds)) {
		for name, n := range fr.Kinds {
			if n == 0 {
				t.Errorf("%s: no %s row among %d bad rows", fr.File, name, fr.Bad)
			}
		}
	}
	if fr.Kinds["field_too_long"] > 1 || fr.Kinds["unterminated_quote"] > 1 {
		t.Errorf("%s: more than one huge or unterminated row", fr.File)
	}
	if fr.Rows >= 2000 {
		for _, name := range []string{"crlf", "padded", "quoted", "blank_line", "quoted_comma", "quoted_newline"} {
			if fr.Tricky[name] == 0 {
				t.Errorf("%s: no tricky %s row", fr.File, name)
			}
		}
	}
}

// TestBlocksAgree plans dirty files into small blocks, as a pipeline does,
// and checks that parsing block by block finds the same records, rejects and
// lines as parsing the whole file.
func TestBlocksAgree(t *testing.T) {
	cfg := Config{Rows: 3000, Employees: 1000, Seed: 11, Dirty: 0.1}
	emp, sales, _, _ := generate(t, cfg)
	for _, f := range []struct {
		name    string
		data    []byte
		columns []string
	}{{EmployeesFile, emp, records.EmployeeColumns}, {SalesFile, sales, records.SaleColumns}} {
		parse := func(dst *int64, fields []string, line int64, checkUTF8 bool) string {
			*dst = line
			if len(f.columns) == len(records.SaleColumns) {
				var s records.Sale
				return records.ParseSaleInto(&s, fields, line, checkUTF8)
			}
			var e records.Employee
			return records.ParseEmployeeInto(&e, fields, line, checkUTF8)
		}
		whole, wholeRejects := readBack(t, f.name, f.data, f.columns, parse)
		h, _ := csvio.ReadHeader(bytes.NewReader(f.data))
		cols, _ := h.Columns(f.columns)
		for _, size := range []int64{1, 700, 4096, 1 << 16} {
			cuts, end, err := csvio.PlanCuts(bytes.NewReader(f.data[h.End:]), h.End, h.Line, size)
			if err != nil {
				t.Fatal(err)
			}
			var lines []int64
			var rejects []csvio.Reject
			var read int64
			for i, c := range cuts {
				b := csvio.Block{File: f.name, Start: c.Offset, End: end, Line: c.Line, Header: h.Names, Columns: cols}
				if i+1 < len(cuts) {
					b.End = cuts[i+1].Offset
				}
				clean, rb := csvio.ParseBlock(&b, string(f.data[b.Start:b.End]), parse)
				lines = append(lines, clean...)
				rejects = append(rejects, rb.Rows...)
				read += rb.Read
			}
			if read != wholeRejects.Read || len(lines) != len(whole) || len(rejects) != len(wholeRejects.Rows) {
				t.Errorf("%s, blocks of %d: read %d, %d clean, %d rejects; whole file: %d, %d, %d",
					f.name, size, read, len(lines), len(rejects), wholeRejects.Read, len(whole), len(wholeRejects.Rows))
				continue
			}
			for i := range lines {
				if lines[i] != whole[i] {
					t.Errorf("%s, blocks of %d: clean row %d on line %d, whole file says %d", f.name, size, i, lines[i], whole[i])
					break
				}
			}
			for i := range rejects {
				if rejects[i].Line != wholeRejects.Rows[i].Line || rejects[i].Reason != wholeRejects.Rows[i].Reason {
					t.Errorf("%s, blocks of %d: reject %d is %d %q, whole file says %d %q", f.name, size, i,
						rejects[i].Line, rejects[i].Reason, wholeRejects.Rows[i].Line, wholeRejects.Rows[i].Reason)
					break
				}
			}
		}
	}
}
