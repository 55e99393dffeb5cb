package table

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/decimal"
	"github.com/beamline/beamline/transforms/money"
)

// Builder formats rows of a dataset into a Chunk, field by field, without
// allocating per row.
//
//	b := table.NewBuilder(ds)
//	b.Text(region).Int(n).Money(revenue).End()
//	chunk := b.Chunk(seq)
type Builder struct {
	width  int
	fields int
	rows   int64
	buf    []byte
	cols   []Column
}

// NewBuilder returns a builder for rows of ds.
func NewBuilder(ds Dataset) *Builder { return &Builder{width: len(ds.Columns)} }

// WithColumns sets the full columns of a Dynamic dataset's chunk; rows then
// have len(cols) fields.
func (b *Builder) WithColumns(cols []Column) *Builder {
	b.cols, b.width = cols, len(cols)
	return b
}

// Grow makes room for about n more bytes.
func (b *Builder) Grow(n int) {
	if cap(b.buf)-len(b.buf) < n {
		nb := make([]byte, len(b.buf), len(b.buf)+n)
		copy(nb, b.buf)
		b.buf = nb
	}
}

func (b *Builder) sep() {
	if b.fields > 0 {
		b.buf = append(b.buf, ',')
	}
	b.fields++
}

// Text adds a text field, quoted when it needs to be.
func (b *Builder) Text(s string) *Builder {
	b.sep()
	b.buf = appendField(b.buf, s)
	return b
}

// Int adds an integer field.
func (b *Builder) Int(v int64) *Builder {
	b.sep()
	b.buf = strconv.AppendInt(b.buf, v, 10)
	return b
}

// Money adds an amount with two decimals.
func (b *Builder) Money(c money.Cents) *Builder {
	b.sep()
	b.buf = c.Append(b.buf)
	return b
}

// Fixed adds a four-decimal figure without trailing zeros.
func (b *Builder) Fixed(d decimal.Fixed4) *Builder {
	b.sep()
	b.buf = d.Append(b.buf)
	return b
}

// Date adds a yyyy-MM-dd date.
func (b *Builder) Date(d calendar.Date) *Builder {
	b.sep()
	b.buf = d.Append(b.buf)
	return b
}

// Bool adds true or false.
func (b *Builder) Bool(v bool) *Builder {
	b.sep()
	b.buf = strconv.AppendBool(b.buf, v)
	return b
}

// End ends the row. A row with the wrong number of fields is a programming
// error and panics, naming both numbers.
func (b *Builder) End() {
	if b.fields != b.width {
		panic(fmt.Sprintf("table: row has %d fields for %d columns", b.fields, b.width))
	}
	b.buf = append(b.buf, '\n')
	b.fields = 0
	b.rows++
}

// Row adds a whole row of text fields.
func (b *Builder) Row(fields ...string) {
	for _, f := range fields {
		b.Text(f)
	}
	b.End()
}

// Rows returns how many rows the builder holds.
func (b *Builder) Rows() int64 { return b.rows }

// Chunk returns the rows as a chunk with the given sequence number, laid
// out with its wire form, and resets the builder.
func (b *Builder) Chunk(seq int64) Chunk { return b.ChunkFor(seq, "") }

// ChunkFor is Chunk for rows that go to the part file of source.
func (b *Builder) ChunkFor(seq int64, source string) Chunk {
	c := Chunk{Seq: seq, Source: source, Rows: b.rows, CSV: b.buf, Columns: b.cols}
	c = Sealed(c)
	b.buf, b.rows, b.fields = nil, 0, 0
	return c
}

// AppendCSV appends one CSV record (RFC 4180, LF-terminated) to buf,
// quoting a field only when it needs it.
func AppendCSV(buf []byte, fields []string) []byte {
	for i, f := range fields {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendField(buf, f)
	}
	return append(buf, '\n')
}

func appendField(buf []byte, f string) []byte {
	if !needsQuotes(f) {
		return append(buf, f...)
	}
	buf = append(buf, '"')
	for j := 0; j < len(f); j++ {
		if f[j] == '"' {
			buf = append(buf, '"')
		}
		buf = append(buf, f[j])
	}
	return append(buf, '"')
}

func needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f[0] == ' ' || f[0] == '\t' || f[len(f)-1] == ' ' || f[len(f)-1] == '\t' {
		return true
	}
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case ',', '"', '\n', '\r':
			return true
		}
	}
	return false
}

// Records parses the chunk's CSV back into rows, for tests and readers.
func (c Chunk) Records() ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(c.CSV))
	r.FieldsPerRecord = -1
	return r.ReadAll()
}
