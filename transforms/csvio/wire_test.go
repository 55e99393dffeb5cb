package csvio

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/beamline/beamline/transforms/records"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
)

// fileBlock writes text to a file and returns it planned as one block.
func fileBlock(t *testing.T, text string, columns []string) (*Block, string) {
	t.Helper()
	b, data := block(t, text, columns)
	b.File = filepath.Join(t.TempDir(), "in.csv")
	b.Size = int64(len(text))
	if err := os.WriteFile(b.File, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return b, data
}

// TestBlockWireForms: a block read from a file encodes as a reference to
// its source and decodes (by reading it again) to the same rows; a block
// built in memory encodes row by row; a source that changed is refused.
func TestBlockWireForms(t *testing.T) {
	text := strings.Join(records.SaleColumns, ",") + "\n" +
		"T1,P1,\"Desk, oak\",Furniture,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n" +
		"T2,P1,Desk,Furniture,x,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n" +
		"T3,P2,Lamp,Home,1,5.00,5.00,C2,Bo,2024-08-02,Asia,Li\n"
	b, data := fileBlock(t, text, records.SaleColumns)
	rows, _ := ParseBlock(b, data, records.ParseSaleInto)
	sb := records.SaleBlock{File: b.File, Seq: b.Seq, Rows: rows, Wire: sealRef(b)}

	enc := encodeSales(sb)
	if len(enc) > 300 {
		t.Errorf("a block's reference takes %d bytes", len(enc))
	}
	got, err := decodeSales(enc)
	if err != nil || !reflect.DeepEqual(got.Rows, rows) || len(rows) != 2 || got.Rows[1].Line != 4 {
		t.Fatalf("reference form: %v %+v", err, got.Rows)
	}

	mem := records.SaleBlock{File: "m", Seq: 9, Rows: rows}
	got, err = decodeSales(encodeSales(mem))
	if err != nil || got.Seq != 9 || !reflect.DeepEqual(got.Rows, rows) {
		t.Fatalf("row form: %v %+v", err, got)
	}
	if _, err := decodeSales(enc[:len(enc)-3]); err == nil {
		t.Error("a truncated block should not decode")
	}

	if err := os.WriteFile(b.File, []byte(text+"T4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := decodeSales(enc); err == nil || !strings.Contains(err.Error(), "changed during the run") {
		t.Errorf("changed source: %v", err)
	}
}

func TestEmployeeBlockWireForms(t *testing.T) {
	text := strings.Join(records.EmployeeColumns, ",") + "\n1,Ann,30,Paris,1000.50,HR,2020-01-02,Active\n"
	b, data := fileBlock(t, text, records.EmployeeColumns)
	rows, _ := ParseBlock(b, data, records.ParseEmployeeInto)
	for _, eb := range []records.EmployeeBlock{
		{File: b.File, Rows: rows, Wire: sealRef(b)},
		{File: "m", Rows: rows},
	} {
		got, err := decodeEmployees(encodeEmployees(eb))
		if err != nil || !reflect.DeepEqual(got.Rows, rows) {
			t.Errorf("%v %+v", err, got.Rows)
		}
	}
}
