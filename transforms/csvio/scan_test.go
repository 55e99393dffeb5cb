package csvio

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

type rec struct {
	Line    int64
	Fields  []string
	Raw     string
	Problem string
	Bad     int
}

func parseAll(data string, firstLine int64) []rec {
	var out []rec
	p := newParser(data, firstLine)
	var r Record
	for p.next(&r) {
		out = append(out, rec{r.Line, append([]string(nil), r.Fields...), r.Raw, r.Problem, r.BadField})
	}
	return out
}

func TestParserRecords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []rec
	}{
		{"plain", "a,b\nc,d", []rec{{1, []string{"a", "b"}, "a,b", "", 0}, {2, []string{"c", "d"}, "c,d", "", 0}}},
		{"crlf", "a,b\r\nc,d\r\n", []rec{{1, []string{"a", "b"}, "a,b", "", 0}, {2, []string{"c", "d"}, "c,d", "", 0}}},
		{"blank lines skipped, lines still counted", "a\n\n  \r\n\nb\n", []rec{{1, []string{"a"}, "a", "", 0}, {5, []string{"b"}, "b", "", 0}}},
		{"trimmed", "  a , b\t,\tc  \n", []rec{{1, []string{"a", "b", "c"}, "  a , b\t,\tc  ", "", 0}}},
		{"quoted comma", `"x, y",z` + "\n", []rec{{1, []string{"x, y", "z"}, `"x, y",z`, "", 0}}},
		{"escaped quote", `"say ""hi""",1`, []rec{{1, []string{`say "hi"`, "1"}, `"say ""hi""",1`, "", 0}}},
		{"quoted newline", "\"two\nlines\",1\nnext,2\n", []rec{
			{1, []string{"two\nlines", "1"}, "\"two\nlines\",1", "", 0},
			{3, []string{"next", "2"}, "next,2", "", 0},
		}},
		{"quoted crlf becomes lf", "\"a\r\nb\",1\r\n", []rec{{1, []string{"a\nb", "1"}, "\"a\r\nb\",1", "", 0}}},
		{"empty fields", "a,,c,\n", []rec{{1, []string{"a", "", "c", ""}, "a,,c,", "", 0}}},
		{"quoted empty", `"",x`, []rec{{1, []string{"", "x"}, `"",x`, "", 0}}},
		{"spaces around quotes", ` "a" , "b" ` + "\n", []rec{{1, []string{"a", "b"}, ` "a" , "b" `, "", 0}}},
		{"bare quote", "a,b\"c,d\nok\n", []rec{
			{1, []string{"a", "b"}, "a,b\"c,d", "bare quote in unquoted field", 1},
			{2, []string{"ok"}, "ok", "", 0},
		}},
		{"text after closing quote", "\"a\"b,c\nok\n", []rec{
			{1, []string{"a"}, "\"a\"b,c", "text after closing quote", 0},
			{2, []string{"ok"}, "ok", "", 0},
		}},
		{"unterminated quote runs to the end", "a,\"b\nc,d\ne,f\n", []rec{
			{1, []string{"a", ""}, "a,\"b\nc,d\ne,f", "unterminated quoted field", 1},
		}},
		{"no trailing newline", "a,b", []rec{{1, []string{"a", "b"}, "a,b", "", 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseAll(tt.in, 1)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestReadHeader(t *testing.T) {
	h, err := ReadHeader(strings.NewReader("\xEF\xBB\xBF\n\n id , name \r\n1,a\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(h.Names, []string{"id", "name"}) || h.Line != 4 || h.End != int64(len("\xEF\xBB\xBF\n\n id , name \r\n")) {
		t.Errorf("header = %+v", h)
	}
	if _, err := ReadHeader(strings.NewReader("")); err == nil || !strings.Contains(err.Error(), "empty file") {
		t.Errorf("empty file: err = %v", err)
	}
	if _, err := ReadHeader(strings.NewReader("\n  \n")); err == nil {
		t.Error("blank file should have no header")
	}
}

func TestHeaderColumns(t *testing.T) {
	h := Header{Names: []string{"b", "extra", "a"}}
	idx, err := h.Columns([]string{"a", "b"})
	if err != nil || !reflect.DeepEqual(idx, []int{2, 0}) {
		t.Errorf("Columns = %v, %v", idx, err)
	}
	_, err = h.Columns([]string{"a", "c", "d"})
	if err == nil || !strings.Contains(err.Error(), "missing required column(s) c, d") {
		t.Errorf("missing column: err = %v", err)
	}
	_, err = Header{Names: []string{"a", "a"}}.Columns([]string{"a"})
	if err == nil || !strings.Contains(err.Error(), `"a" appears twice`) {
		t.Errorf("duplicate column: err = %v", err)
	}
}

// TestPlannedBlocksParseLikeTheWholeFile is the planner's contract: however a
// file is cut, parsing the blocks one by one gives exactly the records of
// parsing it whole — same lines, fields, raw text and problems.
func TestPlannedBlocksParseLikeTheWholeFile(t *testing.T) {
	alphabet := []string{"a", "b", ",", ",", "\"", "\n", "\n", "\r\n", " ", "é", "\"\""}
	r := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 3000; iter++ {
		var sb strings.Builder
		n := r.IntN(80)
		for i := 0; i < n; i++ {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		data := sb.String()
		whole := parseAll(data, 1)
		blockSize := int64(1 + r.IntN(20))
		cuts, end, err := PlanCuts(strings.NewReader(data), 0, 1, blockSize)
		if err != nil {
			t.Fatal(err)
		}
		if end != int64(len(data)) {
			t.Fatalf("end = %d, want %d", end, len(data))
		}
		var pieces []rec
		for i, c := range cuts {
			stop := end
			if i+1 < len(cuts) {
				stop = cuts[i+1].Offset
			}
			pieces = append(pieces, parseAll(data[c.Offset:stop], c.Line)...)
		}
		if !reflect.DeepEqual(whole, pieces) {
			t.Fatalf("data %q, block size %d, cuts %v:\nwhole  %+v\nblocks %+v", data, blockSize, cuts, whole, pieces)
		}
	}
}

func TestPlanCutsFindsBlocksInLargeInput(t *testing.T) {
	// A file larger than the planner's read chunk, with quoted newlines.
	var b bytes.Buffer
	lines := 0
	for b.Len() < 3*planChunk {
		b.WriteString("T1,\"two\nlines\",3\nT2,plain,4\n")
		lines += 3
	}
	cuts, end, err := PlanCuts(bytes.NewReader(b.Bytes()), 0, 1, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(cuts) < 10 || end != int64(b.Len()) {
		t.Fatalf("%d cuts, end %d", len(cuts), end)
	}
	total := 0
	for i, c := range cuts {
		stop := end
		if i+1 < len(cuts) {
			stop = cuts[i+1].Offset
		}
		recs := parseAll(b.String()[c.Offset:stop], c.Line)
		for _, r := range recs {
			if r.Problem != "" || len(r.Fields) != 3 {
				t.Fatalf("block %d: bad record %+v", i, r)
			}
		}
		total += len(recs)
	}
	if total != lines/3*2 {
		t.Errorf("parsed %d records, want %d", total, lines/3*2)
	}
}
