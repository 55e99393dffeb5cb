package synth

import "github.com/beamline/beamline/transforms/calendar"

// Formatting of fields and records, append-style so that the hot path does
// not allocate.

// style is how a valid row is written; all styles read back as the same
// values.
type style uint8

const (
	stylePlain   style = iota
	styleCRLF          // ends with "\r\n"
	stylePadded        // blanks around every field
	styleQuoted        // every field quoted
	styleBlank         // preceded by a blank or whitespace-only line
	styleNewline       // employees: the name split over two lines (quoted)
)

// Tricky-row counters, indexed like trickyNames.
const (
	trickyBlankLine = iota
	trickyCRLF
	trickyPadded
	trickyQuoted
	trickyQuotedComma
	trickyQuotedNewline
	trickyBOM
	numTricky
)

var trickyNames = [numTricky]string{"blank_line", "crlf", "padded", "quoted", "quoted_comma", "quoted_newline", "bom"}

var blankLines = []string{"\n", "   \n", "\t\n", "\r\n", " \t \r\n"}

// cells writes one record's fields in a style and notes which values
// needed quotes.
type cells struct {
	style   style
	n       int
	comma   bool // a value held a comma
	newline bool // a value held a newline
}

func (c *cells) open(b []byte) []byte {
	if c.n > 0 {
		b = append(b, ',')
	}
	c.n++
	switch c.style {
	case stylePadded:
		if c.n%3 == 0 {
			return append(b, '\t')
		}
		return append(b, ' ')
	case styleQuoted:
		return append(b, '"')
	}
	return b
}

func (c *cells) close(b []byte) []byte {
	switch c.style {
	case stylePadded:
		return append(b, "  "...)
	case styleQuoted:
		return append(b, '"')
	}
	return b
}

// end ends the record.
func (c *cells) end(b []byte) []byte {
	if c.style == styleCRLF {
		return append(b, '\r', '\n')
	}
	return append(b, '\n')
}

// plain appends a value known to hold no comma, quote or newline.
func plain(c *cells, b []byte, v string) []byte {
	b = c.open(b)
	b = append(b, v...)
	return c.close(b)
}

// scanned appends a text value whose special characters are known (see
// scan), quoted when it must be (or in styleQuoted).
func scanned[T string | []byte](c *cells, b []byte, v T, comma, newline, quote bool) []byte {
	b = c.open(b)
	c.comma = c.comma || comma
	c.newline = c.newline || newline
	switch {
	case c.style == styleQuoted:
		b = appendEscaped(b, v)
	case comma || newline || quote:
		b = append(b, '"')
		b = appendEscaped(b, v)
		b = append(b, '"')
	default:
		b = append(b, v...)
	}
	return c.close(b)
}

// scan reports whether v holds a comma, a newline (or CR) or a quote.
func scan[T string | []byte](v T) (comma, newline, quote bool) {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case ',':
			comma = true
		case '\n', '\r':
			newline = true
		case '"':
			quote = true
		}
	}
	return
}

// appendEscaped appends v with every '"' doubled.
func appendEscaped[T string | []byte](b []byte, v T) []byte {
	for i := 0; i < len(v); i++ {
		if v[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, v[i])
	}
	return b
}

// appendField appends v as one CSV field, quoting it when needed.
func appendField(b []byte, v string) []byte {
	comma, newline, quote := scan(v)
	if !comma && !newline && !quote {
		return append(b, v...)
	}
	b = append(b, '"')
	b = appendEscaped(b, v)
	return append(b, '"')
}

// appendPadded appends prefix and v zero-padded to width digits (T00000042).
func appendPadded(b []byte, prefix byte, v int64, width int) []byte {
	return appendDigits(append(b, prefix), v, width)
}

// appendDigits appends v (>= 0) zero-padded to width digits.
func appendDigits(b []byte, v int64, width int) []byte {
	var digits [20]byte
	n := len(digits)
	for v >= 10 {
		n--
		digits[n] = byte('0' + v%10)
		v /= 10
	}
	n--
	digits[n] = byte('0' + v)
	for i := len(digits) - n; i < width; i++ {
		b = append(b, '0')
	}
	return append(b, digits[n:]...)
}

// appendDate appends d as yyyy-MM-dd without allocating.
func appendDate(b []byte, d calendar.Date) []byte {
	y, m, day := d.YMD()
	b = appendDigits(b, int64(y), 4)
	b = append(b, '-')
	b = appendDigits(b, int64(m), 2)
	b = append(b, '-')
	return appendDigits(b, int64(day), 2)
}

// cell is one field of a bad row: raw cells are written exactly as given
// (they carry the breakage), the others as fields.
type cell struct {
	v   string
	raw bool
}

// appendRecord writes a bad row's cells and a newline.
func appendRecord(b []byte, row []cell) []byte {
	for i, c := range row {
		if i > 0 {
			b = append(b, ',')
		}
		if c.raw {
			b = append(b, c.v...)
		} else {
			b = appendField(b, c.v)
		}
	}
	return append(b, '\n')
}

func plainCells(values []string) []cell {
	row := make([]cell, len(values))
	for i, v := range values {
		row[i] = cell{v: v}
	}
	return row
}
