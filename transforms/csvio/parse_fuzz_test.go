package csvio

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/beamline/beamline/transforms/records"
)

// The fuzz targets of the reader. Their seeds are in testdata/fuzz and run
// with every `go test`; `make fuzz` runs each one for a few minutes.

// FuzzParseBlock reads any bytes as a whole file, header included, with the
// sales or the employees validator. When the header lacks the schema's
// columns, the standard header is put in front so that the rows still reach
// the validator. Whatever the bytes: no panic, read = clean + rejected, every
// reject has a line within the block and a reason naming a column or the
// record's problem, and every clean row validates again to itself.
func FuzzParseBlock(f *testing.F) {
	for _, s := range []string{
		strings.Join(records.SaleColumns, ",") + "\nT1,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n",
		"\xEF\xBB\xBF" + strings.Join(records.EmployeeColumns, ",") + "\r\n1,Ann,30,Paris,100.50,Sales,2020-02-29,Active\r\n",
		"id,name\n\"a\nb\",\"x\"\"y\"\nT1,\"unterminated\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, employees bool) {
		if employees {
			checkParseBlock(t, data, records.EmployeeColumns, records.ParseEmployeeInto, func(e *records.Employee) (int64, string) {
				again, reason := records.ParseEmployee(e.Fields(), e.Line)
				if reason == "" && again != *e {
					reason = "re-validated as " + strconv.Quote(strings.Join(again.Fields(), ","))
				}
				return e.Line, reason
			})
			return
		}
		checkParseBlock(t, data, records.SaleColumns, records.ParseSaleInto, func(s *records.Sale) (int64, string) {
			again, reason := records.ParseSale(s.Fields(), s.Line)
			if reason == "" && again != *s {
				reason = "re-validated as " + strconv.Quote(strings.Join(again.Fields(), ","))
			}
			return s.Line, reason
		})
	})
}

// checkParseBlock checks ParseBlock's invariants on data; revalidate
// returns a clean row's line and the reason its standard form is refused
// ("" when it validates back to the same row).
func checkParseBlock[T any](t *testing.T, data []byte, columns []string, parse ParseFunc[T], revalidate func(*T) (int64, string)) {
	text := string(data)
	h, err := ReadHeader(strings.NewReader(text))
	if err == nil {
		if h.End > int64(len(text)) || h.Line < 1 {
			t.Fatalf("header %+v beyond %d bytes", h, len(text))
		}
		_, err = h.Columns(columns)
	}
	if err != nil {
		if err.Error() == "" {
			t.Fatal("empty header error")
		}
		text = strings.Join(columns, ",") + "\n" + text
		if h, err = ReadHeader(strings.NewReader(text)); err != nil {
			t.Fatalf("standard header refused: %v", err)
		}
	}
	cols, err := h.Columns(columns)
	if err != nil {
		t.Fatalf("standard header: %v", err)
	}
	b := &Block{File: "f.csv", Start: h.End, End: int64(len(text)), Line: h.Line, Header: h.Names, Columns: cols}
	body := text[h.End:]
	rows, rb := ParseBlock(b, body, parse)
	if rb.Read != int64(len(rows)+len(rb.Rows)) {
		t.Fatalf("read %d != clean %d + rejected %d", rb.Read, len(rows), len(rb.Rows))
	}
	lastLine := b.Line + int64(strings.Count(body, "\n"))
	prev := int64(0)
	for _, r := range rb.Rows {
		if r.Line < b.Line || r.Line > lastLine || r.Line <= prev {
			t.Fatalf("reject line %d outside %d..%d or not after %d: %+v", r.Line, b.Line, lastLine, prev, r)
		}
		prev = r.Line
		if !namesTheProblem(r.Reason, h.Names) {
			t.Fatalf("line %d: reason %q names no column nor record problem", r.Line, r.Reason)
		}
		if !utf8.ValidString(r.Raw) || len(r.Raw) > MaxRawBytes+64 {
			t.Fatalf("line %d: raw text of %d bytes, valid UTF-8 %v", r.Line, len(r.Raw), utf8.ValidString(r.Raw))
		}
	}
	prev = 0
	for i := range rows {
		line, reason := revalidate(&rows[i])
		if reason != "" {
			t.Fatalf("clean row at line %d does not validate again: %s", line, reason)
		}
		if line < b.Line || line > lastLine || line <= prev {
			t.Fatalf("clean row line %d outside %d..%d or not after %d", line, b.Line, lastLine, prev)
		}
		prev = line
	}
}

// namesTheProblem reports whether reason starts with a column of header (or
// "field N") followed by ": ", or names a problem of the whole record.
func namesTheProblem(reason string, header []string) bool {
	if strings.HasPrefix(reason, "wrong number of fields: ") || strings.HasPrefix(reason, "total_amount mismatch: ") {
		return true
	}
	name, rest, ok := strings.Cut(reason, ": ")
	if !ok || rest == "" {
		return false
	}
	if n, found := strings.CutPrefix(name, "field "); found {
		if i, err := strconv.Atoi(n); err == nil && i > len(header) {
			return true
		}
	}
	for _, h := range header {
		if h == name {
			return true
		}
	}
	return false
}

// FuzzPlanCuts cuts any text into blocks of any size, read in chunks of any
// size, and checks that the blocks parse like the whole: the same records
// (lines, fields, raw text, problems), the same clean sales and the same
// rejects. Every cut must also be a record boundary on the right line.
func FuzzPlanCuts(f *testing.F) {
	f.Add([]byte("a,b\n\"x\ny\",z\r\n\n\"open"), uint16(3), uint16(2))
	f.Add([]byte("T1,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\r\nT2,\"Desk,\nwide\",x\n"), uint16(1), uint16(1))
	f.Fuzz(func(t *testing.T, data []byte, blockSize, chunk uint16) {
		text := string(data)
		cuts, end, err := planCuts(strings.NewReader(text), 0, 1, int64(blockSize), int(chunk))
		if err != nil {
			t.Fatal(err)
		}
		if end != int64(len(text)) || len(cuts) == 0 || cuts[0] != (Cut{0, 1}) {
			t.Fatalf("end %d of %d bytes, cuts %v", end, len(text), cuts)
		}
		for i, c := range cuts {
			if i > 0 && (c.Offset <= cuts[i-1].Offset || c.Offset >= end) {
				t.Fatalf("cut %d at %d after %d, end %d", i, c.Offset, cuts[i-1].Offset, end)
			}
			if want := 1 + int64(strings.Count(text[:c.Offset], "\n")); c.Line != want {
				t.Fatalf("cut at %d says line %d, is line %d", c.Offset, c.Line, want)
			}
		}
		// Compare also with the production chunk size.
		if big, _, _ := PlanCuts(strings.NewReader(text), 0, 1, int64(blockSize)); !reflect.DeepEqual(big, cuts) {
			t.Fatalf("cuts depend on the read chunk: %v with %d-byte chunks, %v with %d", cuts, chunk, big, planChunk)
		}

		whole := parseAll(text, 1)
		b := &Block{File: "f.csv", Start: 0, End: end, Line: 1, Header: records.SaleColumns, Columns: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}
		wholeRows, wholeRejects := ParseBlock(b, text, records.ParseSaleInto)
		var pieces []rec
		rows := []records.Sale{}
		var rejects []Reject
		var read int64
		for i, c := range cuts {
			stop := end
			if i+1 < len(cuts) {
				stop = cuts[i+1].Offset
			}
			pieces = append(pieces, parseAll(text[c.Offset:stop], c.Line)...)
			bb := *b
			bb.Start, bb.End, bb.Line = c.Offset, stop, c.Line
			r, rb := ParseBlock(&bb, text[c.Offset:stop], records.ParseSaleInto)
			rows = append(rows, r...)
			rejects = append(rejects, rb.Rows...)
			read += rb.Read
		}
		if !reflect.DeepEqual(whole, pieces) {
			t.Fatalf("cuts %v:\nwhole  %+v\nblocks %+v", cuts, whole, pieces)
		}
		if read != wholeRejects.Read || !reflect.DeepEqual(rows, wholeRows) || !reflect.DeepEqual(rejects, wholeRejects.Rows) {
			t.Fatalf("cuts %v: blocks read %d, %d clean, rejects %+v; whole read %d, %d clean, rejects %+v",
				cuts, read, len(rows), rejects, wholeRejects.Read, len(wholeRows), wholeRejects.Rows)
		}
	})
}
