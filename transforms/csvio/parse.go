package csvio

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reject is one input row that failed the reader or the validator.
type Reject struct {
	Line   int64
	Reason string
	// Raw is the record as written (invalid UTF-8 replaced by U+FFFD,
	// truncated after MaxRawBytes).
	Raw string
}

// RejectBlock is what one block contributes to a dataset's rejects and
// counts: every block yields one, even without rejects, so that the counts
// always add up (read = clean + rejected).
type RejectBlock struct {
	File string
	Seq  int64
	Read int64
	Rows []Reject
}

// Limits on what the reader keeps of a row.
const (
	// MaxFieldBytes is the longest value a field may hold.
	MaxFieldBytes = 64 << 10
	// MaxRawBytes is how much of a rejected row's text the rejects keep.
	MaxRawBytes = 64 << 10
)

// ParseFunc validates a record's fields, given in schema order, into dst,
// and returns the reason it is rejected, or "". checkUTF8 is false when the
// record is already known to be valid UTF-8.
type ParseFunc[T any] func(dst *T, fields []string, line int64, checkUTF8 bool) string

// ParseBlock splits data, the text of block b, into records and validates
// each one: the clean rows in input order and the block's rejects.
func ParseBlock[T any](b *Block, data string, parse ParseFunc[T]) ([]T, RejectBlock) {
	rb := RejectBlock{File: b.File, Seq: b.Seq}
	// A record takes at least one line: the line count bounds the rows.
	clean := make([]T, 0, strings.Count(data, "\n")+1)
	p := newParser(data, b.Line)
	schema := make([]string, len(b.Columns))
	var rec Record
	var zero T
	for p.next(&rec) {
		rb.Read++
		reason := recordProblem(&rec, b.Header)
		if reason == "" {
			for i, c := range b.Columns {
				schema[i] = rec.Fields[c]
			}
			clean = append(clean, zero)
			reason = parse(&clean[len(clean)-1], schema, rec.Line, !utf8.ValidString(rec.Raw))
			if reason == "" {
				continue
			}
			clean = clean[:len(clean)-1]
		}
		rb.Rows = append(rb.Rows, Reject{Line: rec.Line, Reason: reason, Raw: RawText(rec.Raw)})
	}
	return clean, rb
}

// recordProblem returns why a record cannot be validated at all: bad
// quoting, a field longer than MaxFieldBytes, or a wrong number of fields.
func recordProblem(rec *Record, header []string) string {
	if rec.Problem != "" {
		return ColumnName(header, rec.BadField) + ": " + rec.Problem
	}
	if len(rec.Fields) != len(header) {
		return "wrong number of fields: got " + strconv.Itoa(len(rec.Fields)) + ", want " + strconv.Itoa(len(header))
	}
	for i, f := range rec.Fields {
		if len(f) > MaxFieldBytes {
			return ColumnName(header, i) + ": longer than " + strconv.Itoa(MaxFieldBytes) + " bytes (" + strconv.Itoa(len(f)) + ")"
		}
	}
	return ""
}

// RawText is a rejected record or document as the rejects keep it: cut after
// MaxRawBytes (on a rune boundary, saying how much was left out), invalid
// UTF-8 replaced by U+FFFD.
func RawText(raw string) string {
	cut := ""
	if len(raw) > MaxRawBytes {
		n := MaxRawBytes
		for n > 0 && !utf8.RuneStart(raw[n]) {
			n--
		}
		cut = "…[truncated " + strconv.Itoa(len(raw)-n) + " bytes]"
		raw = raw[:n]
	}
	if !utf8.ValidString(raw) {
		raw = strings.ToValidUTF8(raw, "\uFFFD")
	} else {
		raw = strings.Clone(raw)
	}
	return raw + cut
}
