package server

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/table"
)

// Values come from publish as Typed made them: int64 for int columns,
// float64 for money and decimal (exact: at most 4 decimals and 15
// significant digits), bool, string, nil for an empty value. Money goes
// back to integer cents before it is printed, so it always prints with
// exactly 2 decimals and no float drift.

// cents returns a money value in cents.
func cents(f float64) money.Cents { return money.Cents(math.Round(f * 100)) }

// moneyJSON is a money value as a JSON number with 2 decimals.
func moneyJSON(c money.Cents) json.Number { return json.Number(c.String()) }

// appendValue appends v, a value of a column of kind k, as JSON.
func appendValue(b []byte, k table.Kind, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		if k == table.Money {
			return cents(x).Append(b)
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	case bool:
		return strconv.AppendBool(b, x)
	case string:
		return appendString(b, x)
	}
	return append(b, "null"...)
}

// text returns v as the dataset's CSV holds it.
func text(k table.Kind, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if k == table.Money {
			return cents(x).String()
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	}
	return ""
}

// appendRow appends a row as a JSON object whose keys are the column
// names, in the dataset's column order.
func appendRow(b []byte, cols []table.Column, row []any) []byte {
	b = append(b, '{')
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, c.Name)
		b = append(b, ':')
		var v any
		if i < len(row) {
			v = row[i]
		}
		b = appendValue(b, c.Kind, v)
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as encoding/json does
// (HTML-sensitive characters too, so the API's JSON is safe to embed).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
