package unified

import (
	"fmt"
	"testing"
)

func TestBlockWireRoundTrip(t *testing.T) {
	d := dims()
	b := Block{Seq: MongoSeq + 3, Rows: []Sale{fromCSV(d, csvSale("T1", "C1", "P1", "Ann Lee")), fromDoc(d, docSale("M1", "C2", "P1"))}}
	got, err := decodeBlock(encodeBlock(b))
	if err != nil || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", b) {
		t.Errorf("decoded %+v, %v", got, err)
	}
	if _, err := decodeBlock(encodeBlock(b)[:20]); err == nil {
		t.Error("a truncated block should not decode")
	}
}
