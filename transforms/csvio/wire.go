package csvio

import (
	"context"
	"errors"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/wire"
)

// A block of rows is Beam's most frequent large element. Its wire form is a
// reference to its source — file, byte range, first line, header and the
// file's size — so encoding one (which Beam also does just to sample
// element sizes) costs nothing, and a runner that materializes blocks (for
// a stage that also needs a side input computed from them) holds a few
// hundred bytes per block instead of the rows. Decoding reads the range
// again, which gives the same rows; a source that changed size in between
// is an error. A block built in memory (in a test) has no source; it is
// encoded row by row instead.

func init() {
	wire.Register(encodeSales, decodeSales)
	wire.Register(encodeEmployees, decodeEmployees)
}

// The first value of a block's trailer says which form it has.
const (
	formRef  = 1
	formRows = 2
)

// sealRef returns a block's wire form: a reference to its source.
func sealRef(b *Block) []byte {
	return wire.Seal(nil, func(w *wire.Writer) {
		w.Uint(formRef)
		w.Int(b.Size)
		w.String(b.File)
		w.Int(b.Seq)
		w.Int(b.Start)
		w.Int(b.End)
		w.Int(b.Line)
		w.Strings(b.Header)
		w.Uint(uint64(len(b.Columns)))
		for _, c := range b.Columns {
			w.Uint(uint64(c))
		}
	})
}

// openRef reads a reference-form block back: its description, and its text
// read again from the source.
func openRef(meta *wire.Reader) (Block, string, error) {
	var b Block
	b.Size = meta.Int()
	b.File = meta.String()
	b.Seq = meta.Int()
	b.Start, b.End, b.Line = meta.Int(), meta.Int(), meta.Int()
	b.Header = meta.Strings()
	n := meta.Len(1)
	for i := 0; i < n; i++ {
		c := meta.Uint()
		if c >= uint64(len(b.Header)) {
			return b, "", errors.New("csvio: block column out of range")
		}
		b.Columns = append(b.Columns, int(c))
	}
	if meta.Err != nil {
		return b, "", meta.Err
	}
	ctx := context.Background()
	if err := checkSize(ctx, &b); err != nil {
		return b, "", err
	}
	_, text, err := readBlock(ctx, &b)
	return b, text, err
}

// blockOf is what a SaleBlock and an EmployeeBlock have in common; both
// convert to it.
type blockOf[R any] struct {
	File string
	Seq  int64
	Rows []R
	Wire []byte
}

// encodeBlock returns a block's wire form: the reference the reader set, or
// else its rows, written by writeRow.
func encodeBlock[R any](b blockOf[R], writeRow func(*wire.Writer, *R)) []byte {
	if b.Wire != nil {
		return b.Wire
	}
	var w wire.Writer
	for i := range b.Rows {
		writeRow(&w, &b.Rows[i])
	}
	return wire.Seal(w.B, func(m *wire.Writer) {
		m.Uint(formRows)
		m.String(b.File)
		m.Int(b.Seq)
		m.Uint(uint64(len(b.Rows)))
	})
}

// decodeBlock reads a block back from either form: a reference is read
// again from its source and parsed with parse, rows are read with readRow.
func decodeBlock[R any](enc []byte, parse ParseFunc[R], readRow func(*wire.Reader, *R)) (blockOf[R], error) {
	enc = append([]byte(nil), enc...)
	data, meta, err := wire.Open(enc)
	if err != nil {
		return blockOf[R]{}, err
	}
	switch meta.Uint() {
	case formRef:
		b, text, err := openRef(meta)
		if err != nil {
			return blockOf[R]{}, err
		}
		rows, _ := ParseBlock(&b, text, parse)
		return blockOf[R]{File: b.File, Seq: b.Seq, Rows: rows, Wire: enc}, nil
	case formRows:
		out := blockOf[R]{File: meta.String(), Seq: meta.Int()}
		n := meta.Len(0)
		if n > len(data) {
			return out, errors.New("csvio: row count exceeds the data")
		}
		r := &wire.Reader{B: data}
		out.Rows = make([]R, n)
		for i := range out.Rows {
			readRow(r, &out.Rows[i])
		}
		if r.Err != nil {
			return out, r.Err
		}
		return out, meta.Err
	}
	return blockOf[R]{}, errors.New("csvio: unknown block form")
}

func encodeSales(b records.SaleBlock) []byte {
	return encodeBlock(blockOf[records.Sale](b), writeSale)
}

func decodeSales(enc []byte) (records.SaleBlock, error) {
	b, err := decodeBlock(enc, records.ParseSaleInto, readSale)
	return records.SaleBlock(b), err
}

func encodeEmployees(b records.EmployeeBlock) []byte {
	return encodeBlock(blockOf[records.Employee](b), writeEmployee)
}

func decodeEmployees(enc []byte) (records.EmployeeBlock, error) {
	b, err := decodeBlock(enc, records.ParseEmployeeInto, readEmployee)
	return records.EmployeeBlock(b), err
}

func writeSale(w *wire.Writer, r *records.Sale) {
	w.String(r.TransactionID)
	w.String(r.ProductID)
	w.String(r.ProductName)
	w.String(r.Category)
	w.Int(r.Quantity)
	w.Int(int64(r.UnitPrice))
	w.Int(int64(r.TotalAmount))
	w.String(r.CustomerID)
	w.String(r.CustomerName)
	w.Int(int64(r.SaleDate))
	w.String(r.Region)
	w.String(r.Salesperson)
	w.Int(r.Line)
}

func readSale(r *wire.Reader, s *records.Sale) {
	s.TransactionID, s.ProductID, s.ProductName, s.Category = r.String(), r.String(), r.String(), r.String()
	s.Quantity, s.UnitPrice, s.TotalAmount = r.Int(), money.Cents(r.Int()), money.Cents(r.Int())
	s.CustomerID, s.CustomerName = r.String(), r.String()
	s.SaleDate = calendar.Date(r.Int())
	s.Region, s.Salesperson = r.String(), r.String()
	s.Line = r.Int()
}

func writeEmployee(w *wire.Writer, e *records.Employee) {
	w.Int(e.ID)
	w.String(e.Name)
	w.Int(e.Age)
	w.String(e.City)
	w.Int(int64(e.Salary))
	w.String(e.Department)
	w.Int(int64(e.HireDate))
	w.String(e.Status)
	w.Int(e.Line)
}

func readEmployee(r *wire.Reader, e *records.Employee) {
	e.ID, e.Name, e.Age, e.City = r.Int(), r.String(), r.Int(), r.String()
	e.Salary, e.Department = money.Cents(r.Int()), r.String()
	e.HireDate, e.Status, e.Line = calendar.Date(r.Int()), r.String(), r.Int()
}
