package csvio

import (
	"strings"
	"testing"

	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
)

// block plans text (header included) as one block, the way the planner
// does for a small file.
func block(t *testing.T, text string, columns []string) (*Block, string) {
	t.Helper()
	h, err := ReadHeader(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	cols, err := h.Columns(columns)
	if err != nil {
		t.Fatal(err)
	}
	return &Block{File: "f.csv", Start: h.End, End: int64(len(text)), Line: h.Line, Header: h.Names, Columns: cols}, text[h.End:]
}

func TestParseBlockByHeaderName(t *testing.T) {
	// Columns reordered, an extra column, BOM, CRLF, padding and quoting.
	text := "\xEF\xBB\xBFstatus,hire_date,extra,department,salary,city,age,name,id\r\n" +
		"Active,2021-03-15,x,Engineering, 75000 ,\"New York, NY\",28,\"Alice \"\"Al\"\" Johnson\",1\r\n" +
		"\r\n" +
		"Active,2020/07/22,y,Marketing,82000.5,London,35,\"Bob\nSmith\",2\r\n"
	b, data := block(t, text, records.EmployeeColumns)
	rows, rb := ParseBlock(b, data, records.ParseEmployeeInto)
	if rb.Read != 2 || len(rb.Rows) != 0 || len(rows) != 2 {
		t.Fatalf("read %d, rejects %+v, rows %d", rb.Read, rb.Rows, len(rows))
	}
	a, bob := rows[0], rows[1]
	if a.Name != `Alice "Al" Johnson` || a.City != "New York, NY" || a.Salary != 7500000 || a.Line != 2 {
		t.Errorf("row 1 %+v", a)
	}
	// Line 3 is blank; Bob's record starts on line 4 and spans 2 lines.
	if bob.Name != "Bob\nSmith" || bob.HireDate.String() != "2020-07-22" || bob.Salary != 8200050 || bob.Line != 4 {
		t.Errorf("row 2 %+v", bob)
	}
}

func TestParseBlockRejects(t *testing.T) {
	header := strings.Join(records.SaleColumns, ",")
	ok := "T1,P1,Laptop,Electronics,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo"
	text := header + "\n" +
		ok + "\n" +
		"T2,P1,Laptop,Electronics,2,10.00,20.00,C1,Ann,2024-08-01,Europe\n" + // 11 fields
		"T3,P1,Lap\"top,Electronics,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n" +
		"T4,P1,Laptop,Electronics,two,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n" +
		"T5,P1,Laptop,Electronics,2,10.00,25.00,C1,Ann,2024-08-01,Europe,Jo\n" +
		"T6,P1," + strings.Repeat("x", MaxFieldBytes+1) + ",Electronics,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n" +
		"T7,P1,Laptop,Electronics,2,10.00,20.00,C1,An\xffn,2024-08-01,Europe,Jo\n" +
		ok + "\n" +
		"T9,P1,\"Laptop,Electronics,2\n"
	b, data := block(t, text, records.SaleColumns)
	rows, rb := ParseBlock(b, data, records.ParseSaleInto)
	if len(rows) != 2 || rb.Read != 9 || len(rb.Rows) != 7 {
		t.Fatalf("rows %d read %d rejects %d", len(rows), rb.Read, len(rb.Rows))
	}
	want := []struct {
		line   int64
		reason string
	}{
		{3, "wrong number of fields: got 11, want 12"},
		{4, "product_name: bare quote in unquoted field"},
		{5, `quantity: not an integer: "two"`},
		{6, `total_amount mismatch: "25.00" is not 2 x 10.00 = 20.00`},
		{7, "product_name: longer than 65536 bytes (65537)"},
		{8, "customer_name: invalid UTF-8: \"An\uFFFDn\""},
		{10, "product_name: unterminated quoted field"},
	}
	for i, w := range want {
		got := rb.Rows[i]
		if got.Line != w.line || got.Reason != w.reason {
			t.Errorf("reject %d: line %d %q, want line %d %q", i, got.Line, got.Reason, w.line, w.reason)
		}
	}
	if strings.ContainsRune(rb.Rows[5].Raw, 0xff) || !strings.Contains(rb.Rows[5].Raw, "\uFFFD") {
		t.Errorf("raw keeps invalid UTF-8: %q", rb.Rows[5].Raw)
	}
	if rb.Rows[6].Raw != "T9,P1,\"Laptop,Electronics,2" {
		t.Errorf("unterminated raw %q", rb.Rows[6].Raw)
	}
}

func TestRawTextIsTruncated(t *testing.T) {
	raw := RawText(strings.Repeat("é", MaxRawBytes))
	if len(raw) > MaxRawBytes+40 || !strings.HasSuffix(raw, "bytes]") {
		t.Errorf("raw of %d bytes", len(raw))
	}
}

func TestRejectsAreOrderedByFileAndLineAndCounted(t *testing.T) {
	acc := rejectsAcc{Blocks: []RejectBlock{
		{File: "b.csv", Seq: 1 << 32, Read: 3, Rows: []Reject{{Line: 4, Reason: "r4"}}},
		{File: "a.csv", Seq: 1, Read: 5, Rows: []Reject{{Line: 9, Reason: "r9"}}},
		{File: "a.csv", Seq: 0, Read: 5, Rows: []Reject{{Line: 2, Reason: "r2"}}},
		{File: "a.csv", Seq: 0, Read: 0, Rows: []Reject{{Line: 7, Reason: "duplicate"}}},
	}}
	var chunks []table.Chunk
	var counts []Counts
	(&splitRejectsFn{Input: "sales"}).ProcessElement(acc, func(c table.Chunk) { chunks = append(chunks, c) }, func(c Counts) { counts = append(counts, c) })
	if len(counts) != 1 || counts[0] != (Counts{Input: "sales", Read: 13, Clean: 9, Rejected: 4}) {
		t.Errorf("counts %+v", counts)
	}
	if len(chunks) != 2 || chunks[0].Source != "a.csv" || chunks[1].Source != "b.csv" {
		t.Fatalf("chunks %+v", chunks)
	}
	var lines []string
	rows, err := chunks[0].Records()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		lines = append(lines, r[0])
	}
	if strings.Join(lines, ",") != "2,7,9" {
		t.Errorf("a.csv lines %v", lines)
	}
}
