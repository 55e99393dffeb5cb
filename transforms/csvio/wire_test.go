package csvio

import (
	"reflect"
	"strings"
	"testing"

	"github.com/beamline/beamline/transforms/records"
)

// TestBlockWireForms: a block read from a file encodes as its own text
// (no copy) and decodes to the same rows; a block built in memory encodes
// row by row and decodes to the same rows.
func TestBlockWireForms(t *testing.T) {
	text := strings.Join(records.SaleColumns, ",") + "\n" +
		"T1,P1,\"Desk, oak\",Furniture,2,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n" +
		"T2,P1,Desk,Furniture,x,10.00,20.00,C1,Ann,2024-08-01,Europe,Jo\n" +
		"T3,P2,Lamp,Home,1,5.00,5.00,C2,Bo,2024-08-02,Asia,Li\n"
	b, data := block(t, text, records.SaleColumns)
	buf := make([]byte, len(data), len(data)+trailerRoom(b))
	copy(buf, data)
	rows, _ := ParseBlock(b, data, records.ParseSale)
	sb := records.SaleBlock{File: b.File, Seq: b.Seq, Rows: rows, Wire: sealText(buf, b)}

	enc := encodeSales(sb)
	if &enc[0] != &buf[0] {
		t.Error("encoding a read block copied it")
	}
	got, err := decodeSales(enc)
	if err != nil || !reflect.DeepEqual(got.Rows, rows) || len(rows) != 2 || got.Rows[1].Line != 4 {
		t.Fatalf("text form: %v %+v", err, got.Rows)
	}

	mem := records.SaleBlock{File: "m", Seq: 9, Rows: rows}
	got, err = decodeSales(encodeSales(mem))
	if err != nil || got.Seq != 9 || !reflect.DeepEqual(got.Rows, rows) {
		t.Fatalf("row form: %v %+v", err, got)
	}
	if _, err := decodeSales(enc[:len(enc)-3]); err == nil {
		t.Error("a truncated block should not decode")
	}
}

func TestEmployeeBlockWireForms(t *testing.T) {
	text := strings.Join(records.EmployeeColumns, ",") + "\n1,Ann,30,Paris,1000.50,HR,2020-01-02,Active\n"
	b, data := block(t, text, records.EmployeeColumns)
	buf := append(make([]byte, 0, len(data)+trailerRoom(b)), data...)
	rows, _ := ParseBlock(b, data, records.ParseEmployee)
	for _, eb := range []records.EmployeeBlock{
		{File: b.File, Rows: rows, Wire: sealText(buf, b)},
		{File: "m", Rows: rows},
	} {
		got, err := decodeEmployees(encodeEmployees(eb))
		if err != nil || !reflect.DeepEqual(got.Rows, rows) {
			t.Errorf("%v %+v", err, got.Rows)
		}
	}
}
