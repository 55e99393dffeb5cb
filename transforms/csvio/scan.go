// Package csvio reads beamline's CSV inputs strictly: by header name, RFC 4180
// quoting (quoted commas and newlines), UTF-8 BOM and CRLF accepted, fields
// trimmed, blank lines skipped, every record tagged with the physical line
// where it starts. Files are planned into blocks that start and end on record
// boundaries, so that blocks can be parsed in parallel; a row that fails the
// validator goes to the rejects with its line and reason.
package csvio

import (
	"strconv"
	"strings"
)

// The record grammar. The planner walks it byte by byte (state.step) where a
// line holds a quote; the parser implements the same grammar with fast
// searches. A test checks on random text that both put every record boundary
// in the same place:
//
//   - a '"' at the start of a field (after optional spaces) opens a quoted
//     field, which ends at a '"' not followed by another '"' ("" is a quote);
//     newlines inside it belong to the field;
//   - any other '"', or text after a closing quote, is a quoting error: the
//     record then ends at the end of that physical line;
//   - outside a quoted field every '\n' ends the record ("\r\n" too);
//   - a quoted field still open at the end of the file makes one record that
//     runs to the end of the file.
type state uint8

const (
	stRecordStart state = iota // at the first byte of a record
	stFieldStart               // after a ',' (or leading spaces)
	stUnquoted                 // inside an unquoted field
	stQuoted                   // inside a quoted field
	stQuoteSeen                // just after a '"' inside a quoted field
	stAfterQuote               // spaces after a closing quote
	stBad                      // after a quoting error, until the end of the line
)

// step advances the grammar by one byte and reports whether c ended a record.
func (s state) step(c byte) (state, bool) {
	switch s {
	case stRecordStart, stFieldStart:
		switch c {
		case '\n':
			return stRecordStart, true
		case '"':
			return stQuoted, false
		case ',', ' ', '\t':
			return stFieldStart, false
		}
		return stUnquoted, false
	case stUnquoted:
		switch c {
		case '\n':
			return stRecordStart, true
		case ',':
			return stFieldStart, false
		case '"':
			return stBad, false
		}
		return stUnquoted, false
	case stQuoted:
		if c == '"' {
			return stQuoteSeen, false
		}
		return stQuoted, false
	case stQuoteSeen, stAfterQuote:
		switch c {
		case '"':
			if s == stQuoteSeen {
				return stQuoted, false
			}
			return stBad, false
		case '\n':
			return stRecordStart, true
		case ',':
			return stFieldStart, false
		case ' ', '\t', '\r':
			return stAfterQuote, false
		}
		return stBad, false
	default: // stBad
		if c == '\n' {
			return stRecordStart, true
		}
		return stBad, false
	}
}

// Record is one CSV record as read.
type Record struct {
	// Line is the physical line (1-based) where the record starts.
	Line int64
	// Fields are the trimmed, unquoted values.
	Fields []string
	// Raw is the record as it appears in the file, without its final newline.
	Raw string
	// Problem is a quoting error ("bare quote in unquoted field"), with
	// BadField the 0-based field where it happened; empty when the record is
	// well formed.
	Problem  string
	BadField int
}

// parser splits a block of text that starts at a record boundary into records.
type parser struct {
	data   string
	pos    int
	line   int64
	fields []string
	buf    []byte
}

func newParser(data string, firstLine int64) *parser {
	return &parser{data: data, line: firstLine}
}

// next returns the next non-blank record, or false at the end of the data.
// The returned record's Fields are reused by the following call.
func (p *parser) next(rec *Record) bool {
	for p.pos < len(p.data) {
		start, line := p.pos, p.line
		if p.skipBlankLine() {
			continue
		}
		p.pos, p.line = start, line
		p.parseRecord(rec)
		return true
	}
	return false
}

// skipBlankLine consumes a line holding only spaces, tabs and CR.
func (p *parser) skipBlankLine() bool {
	d := p.data
	i := p.pos
	for i < len(d) && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r') {
		i++
	}
	if i == len(d) {
		p.pos = i
		return true
	}
	if d[i] == '\n' {
		p.pos = i + 1
		p.line++
		return true
	}
	return false
}

func (p *parser) parseRecord(rec *Record) {
	d := p.data
	start := p.pos
	rec.Line = p.line
	rec.Problem, rec.BadField = "", 0
	p.fields = p.fields[:0]
	if p.plainLine(rec) {
		return
	}
	i := start
	for {
		// Field start: skip leading blanks.
		for i < len(d) && (d[i] == ' ' || d[i] == '\t') {
			i++
		}
		if i < len(d) && d[i] == '"' {
			var ok bool
			i, ok = p.quotedField(i + 1)
			if !ok {
				// Unterminated: the record runs to the end of the data.
				rec.Problem, rec.BadField = "unterminated quoted field", len(p.fields)
				p.fields = append(p.fields, "")
				i = len(d)
				break
			}
			// After the closing quote: blanks, then ',' or the end of the line.
			for i < len(d) && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r') {
				i++
			}
			if i == len(d) || d[i] == '\n' {
				break
			}
			if d[i] == ',' {
				i++
				continue
			}
			rec.Problem, rec.BadField = "text after closing quote", len(p.fields)-1
			i = p.toLineEnd(i)
			break
		}
		// Unquoted field: up to ',' or '\n'.
		j := i
		for j < len(d) && d[j] != ',' && d[j] != '\n' && d[j] != '"' {
			j++
		}
		if j < len(d) && d[j] == '"' {
			rec.Problem, rec.BadField = "bare quote in unquoted field", len(p.fields)
			p.fields = append(p.fields, trim(d[i:j]))
			i = p.toLineEnd(j)
			break
		}
		p.fields = append(p.fields, trim(d[i:j]))
		if j < len(d) && d[j] == ',' {
			i = j + 1
			continue
		}
		i = j
		break
	}
	// i is at the record's final '\n' or at the end of the data. An
	// unterminated record runs to the end, whose final line end is not
	// part of it either.
	end := i
	if end == len(d) && end > start && d[end-1] == '\n' {
		end--
	}
	if end > start && d[end-1] == '\r' {
		end--
	}
	rec.Raw = d[start:end]
	rec.Fields = p.fields
	if i < len(d) {
		i++ // the newline
		p.line++
	}
	p.pos = i
}

// plainLine splits a record that is one line without a quote — nearly every
// record — with fewer checks per byte than the general grammar. It reports
// false, consuming nothing, for any other record.
func (p *parser) plainLine(rec *Record) bool {
	d := p.data
	start := p.pos
	end := indexByte(d, start, '\n')
	next := end + 1
	if end < 0 {
		end, next = len(d), len(d)
	}
	line := d[start:end]
	if strings.IndexByte(line, '"') >= 0 {
		return false
	}
	for f := line; ; {
		j := strings.IndexByte(f, ',')
		if j < 0 {
			p.fields = append(p.fields, trim(f))
			break
		}
		p.fields = append(p.fields, trim(f[:j]))
		f = f[j+1:]
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	rec.Raw, rec.Fields = line, p.fields
	if next > end {
		p.line++
	}
	p.pos = next
	return true
}

// quotedField reads a quoted field whose opening quote is just before i and
// appends its value. It returns the index after the closing quote, or false
// when the data ends first. Newlines inside count as physical lines.
func (p *parser) quotedField(i int) (int, bool) {
	d := p.data
	start := i
	simple := true // no "" escapes and no CRLF: the value is a substring
	for {
		q := indexByte(d, i, '"')
		if q < 0 {
			p.line += int64(countByte(d[i:], '\n'))
			return len(d), false
		}
		seg := d[i:q]
		if n := countByte(seg, '\n'); n > 0 {
			p.line += int64(n)
			if bytesContains(seg, "\r\n") {
				simple = false
			}
		}
		if q+1 < len(d) && d[q+1] == '"' {
			simple = false
			i = q + 2
			continue
		}
		if simple {
			p.fields = append(p.fields, trim(d[start:q]))
		} else {
			p.fields = append(p.fields, trim(p.unescape(d[start:q])))
		}
		return q + 1, true
	}
}

// unescape turns "" into " and CRLF into LF inside a quoted value.
func (p *parser) unescape(s string) string {
	b := p.buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' && i+1 < len(s) && s[i+1] == '"' {
			i++
		} else if c == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			continue
		}
		b = append(b, c)
	}
	p.buf = b
	return string(b)
}

// toLineEnd returns the index of the next '\n' at or after i (or the end),
// counting nothing: a quoting error never spans lines.
func (p *parser) toLineEnd(i int) int {
	if j := indexByte(p.data, i, '\n'); j >= 0 {
		return j
	}
	return len(p.data)
}

func trim(s string) string {
	if len(s) == 0 || (!isBlank(s[0]) && !isBlank(s[len(s)-1])) {
		return s
	}
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\t' || s[j-1] == '\r') {
		j--
	}
	return s[i:j]
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

func indexByte(s string, from int, c byte) int {
	if from >= len(s) {
		return -1
	}
	j := bytesIndexByte(s[from:], c)
	if j < 0 {
		return -1
	}
	return from + j
}

// ColumnName names field i of a record for a reason: the header's name, or
// "field N" (1-based) for a field beyond the header.
func ColumnName(header []string, i int) string {
	if i >= 0 && i < len(header) {
		return header[i]
	}
	return "field " + strconv.Itoa(i+1)
}

func bytesIndexByte(s string, c byte) int     { return strings.IndexByte(s, c) }
func countByte(s string, c byte) int          { return strings.Count(s, string(c)) }
func bytesContains(s string, sub string) bool { return strings.Contains(s, sub) }
