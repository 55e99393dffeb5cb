package table

import (
	"bytes"

	"github.com/beamline/beamline/transforms/wire"
)

func init() {
	wire.Register(encodeChunk, decodeChunk)
}

// Sealed returns c with its wire form laid out after its CSV (in place when
// the CSV buffer has room), so that encoding the chunk copies nothing.
func Sealed(c Chunk) Chunk {
	n := len(c.CSV)
	c.Wire = wire.Seal(c.CSV, c.meta)
	c.CSV = c.Wire[:n:n]
	return c
}

func (c Chunk) meta(w *wire.Writer) {
	w.Int(c.Seq)
	w.String(c.Source)
	w.Int(c.Rows)
	w.Uint(uint64(len(c.Columns)))
	for _, col := range c.Columns {
		w.String(col.Name)
		w.String(string(col.Kind))
	}
}

// encodeChunk returns the chunk's wire form: the sealed one when it still
// matches the chunk (its CSV is the wire's start and its metadata is the
// trailer), otherwise a new one.
func encodeChunk(c Chunk) []byte {
	if len(c.Wire) > len(c.CSV) && (len(c.CSV) == 0 || &c.Wire[0] == &c.CSV[0]) {
		if bytes.Equal(c.Wire[len(c.CSV):], wire.Seal(nil, c.meta)) {
			return c.Wire
		}
	}
	return wire.Seal(append([]byte(nil), c.CSV...), c.meta)
}

func decodeChunk(b []byte) (Chunk, error) {
	b = append([]byte(nil), b...)
	data, r, err := wire.Open(b)
	if err != nil {
		return Chunk{}, err
	}
	c := Chunk{CSV: data[:len(data):len(data)], Wire: b}
	c.Seq = r.Int()
	c.Source = r.String()
	c.Rows = r.Int()
	if n := r.Len(2); n > 0 {
		c.Columns = make([]Column, n)
		for i := range c.Columns {
			c.Columns[i] = Column{Name: r.String(), Kind: Kind(r.String())}
		}
	}
	return c, r.Err
}
