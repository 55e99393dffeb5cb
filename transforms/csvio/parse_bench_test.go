package csvio

import (
	"bytes"
	"testing"

	"github.com/beamline/beamline/data/gen/synth"
	"github.com/beamline/beamline/transforms/records"
)

// BenchmarkParseBlockSales parses and validates 100k generated sales rows:
// the per-row cost every pipeline pays.
func BenchmarkParseBlockSales(b *testing.B) {
	var buf bytes.Buffer
	if _, err := synth.WriteSales(&buf, synth.Config{Rows: 100_000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	text := buf.String()
	h, err := ReadHeader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		b.Fatal(err)
	}
	cols, _ := h.Columns(records.SaleColumns)
	blk := &Block{Start: h.End, End: int64(len(text)), Line: h.Line, Header: h.Names, Columns: cols}
	data := text[h.End:]
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rows, rb := ParseBlock(blk, data, records.ParseSaleInto)
		if len(rows) != 100_000 || len(rb.Rows) != 0 {
			b.Fatalf("%d rows, %d rejects", len(rows), len(rb.Rows))
		}
	}
}
