package unified

import (
	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/wire"
)

// A Block is encoded field by field (see transforms/wire) rather than by
// Beam's reflecting row coder.

func init() {
	wire.Register(encodeBlock, decodeBlock)
}

// Encode writes the block in its binary form.
func (b *Block) Encode(w *wire.Writer) {
	w.Int(b.Seq)
	w.Uint(uint64(len(b.Rows)))
	for i := range b.Rows {
		r := &b.Rows[i]
		w.String(r.TransactionID)
		w.String(r.Source)
		w.Int(int64(r.SaleDate))
		w.String(r.Region)
		w.String(r.Country)
		w.String(r.Category)
		w.String(r.ProductID)
		w.String(r.ProductName)
		w.String(r.Brand)
		w.Int(r.Quantity)
		w.Int(int64(r.UnitPrice))
		w.Int(int64(r.TotalAmount))
		w.String(r.CustomerID)
		w.String(r.CustomerName)
		w.String(r.LoyaltyTier)
		w.String(r.Salesperson)
		w.String(r.Department)
	}
}

// Decode reads a block written by Encode.
func (b *Block) Decode(r *wire.Reader) {
	b.Seq = r.Int()
	n := r.Len(17) // at least a byte per field
	b.Rows = make([]Sale, n)
	for i := 0; i < n && r.Err == nil; i++ {
		s := &b.Rows[i]
		s.TransactionID = r.String()
		s.Source = r.String()
		s.SaleDate = calendar.Date(r.Int())
		s.Region = r.String()
		s.Country = r.String()
		s.Category = r.String()
		s.ProductID = r.String()
		s.ProductName = r.String()
		s.Brand = r.String()
		s.Quantity = r.Int()
		s.UnitPrice = money.Cents(r.Int())
		s.TotalAmount = money.Cents(r.Int())
		s.CustomerID = r.String()
		s.CustomerName = r.String()
		s.LoyaltyTier = r.String()
		s.Salesperson = r.String()
		s.Department = r.String()
	}
}

func encodeBlock(v Block) []byte          { return wire.Marshal(v) }
func decodeBlock(b []byte) (Block, error) { return wire.Unmarshal[Block](b) }
