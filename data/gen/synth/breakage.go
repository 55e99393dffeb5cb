package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
)

// Bad values, one helper per kind of breakage. Each keeps the rest of the
// row valid, so the row has exactly one problem.

func oneOf(r *rand.Rand, options ...string) string { return options[r.IntN(len(options))] }

// blank is an empty required field: empty, or blanks the reader trims.
func blank(r *rand.Rand) cell { return cell{v: oneOf(r, "", "", "  ", "\t"), raw: true} }

// notAnInteger is a value ParseInt refuses, built from the valid value v.
func notAnInteger(r *rand.Rand, v string) string {
	switch r.IntN(6) {
	case 0:
		return v + ".5"
	case 1:
		return v + ".0"
	case 2:
		return "#" + v
	case 3:
		return "+" + v
	case 4:
		return v + "x"
	}
	return oneOf(r, "abc", "twelve", "1e3", "N/A", "3O", "~4")
}

// overflow is an integer beyond int64.
const overflow = "99999999999999999999"

// notANumber is a money value money.Parse refuses as a syntax error.
func notANumber(r *rand.Rand, c money.Cents) string {
	s := c.String()
	switch r.IntN(8) {
	case 0:
		return strconv.FormatFloat(c.Float(), 'e', -1, 64) // 1.29999e+03
	case 1:
		// A thousands separator, or a decimal comma: the field is quoted.
		if c >= 1000_00 {
			return strconv.FormatInt(int64(c)/100_000, 10) + "," + s[len(s)-6:]
		}
		return strings.Replace(s, ".", ",", 1)
	case 2:
		return "NaN"
	case 3:
		return oneOf(r, "Inf", "-Inf", "+Inf")
	case 4:
		return "$" + s
	case 5:
		return s + " USD"
	case 6:
		return s + "€"
	}
	return "1.2.3"
}

// tooManyDecimals is c with one or two more decimal digits.
func tooManyDecimals(r *rand.Rand, c money.Cents) string {
	s := c.String() + strconv.Itoa(r.IntN(10))
	if chance(r, 300) {
		s += strconv.Itoa(r.IntN(10))
	}
	return s
}

// impossibleDate is a date calendar.Parse refuses, mostly near d.
func impossibleDate(r *rand.Rand, d calendar.Date) string {
	y, m, day := d.YMD()
	ys := strconv.Itoa(y)
	two := func(v int) string { return string(appendDigits(nil, int64(v), 2)) }
	switch r.IntN(9) {
	case 0:
		return ys + "-02-30"
	case 1:
		return ys + "-13-" + two(day)
	case 2:
		return two(day) + "/" + two(m) + "/" + ys // dd/MM/yyyy
	case 3:
		return oneOf(r, "yesterday", "TBD", "N/A", "today")
	case 4:
		return ys + oneOf(r, "-04-31", "-06-31", "-09-31", "-11-31")
	case 5:
		return ys + "-" + two(m) + "-00"
	case 6:
		return "2023-02-29" // not a leap year
	case 7:
		return ys + "-" + two(m) + "-" + two(day) + "T25:00:00Z"
	}
	if m < 10 || day < 10 {
		return ys + "-" + strconv.Itoa(m) + "-" + strconv.Itoa(day) // 2023-3-5
	}
	return ys + "/" + two(m) + "-" + two(day) // mixed separators
}

// invalidUTF8 breaks the encoding of s: Latin-1 where s has accents, or a
// stray 0xFF, or a truncated sequence.
func invalidUTF8(r *rand.Rand, s string) string {
	if chance(r, 500) {
		if l := latin1(s); l != s && !utf8.ValidString(l) {
			return l
		}
	}
	at := 0
	if len(s) > 0 {
		at = r.IntN(len(s) + 1)
		for at < len(s) && !utf8.RuneStart(s[at]) {
			at++
		}
	}
	return s[:at] + oneOf(r, "\xff", "\xff", "\xc3", "\xe2\x82") + s[at:]
}

// latin1 re-encodes s in ISO 8859-1, as a mis-configured export would.
func latin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, c := range s {
		if c >= 0x100 {
			return s
		}
		b = append(b, byte(c))
	}
	return string(b)
}

// longValue is a field of 1 MiB, far over csvio.MaxFieldBytes.
var longValue = func() string {
	const words = "lorem ipsum dolor sit amet consectetur adipiscing elit "
	s := strings.Repeat(words, (1<<20)/len(words)+1)[:1<<20]
	return strings.TrimSpace(s[:len(s)-1]) + "x"
}()

// nicknamed puts a nickname in quotes inside an unquoted name: the reader
// finds a bare quote.
func nicknamed(r *rand.Rand, name string) string {
	first, rest, ok := strings.Cut(name, " ")
	if !ok {
		return name + ` "` + oneOf(r, nicknames...) + `"`
	}
	return first + ` "` + oneOf(r, nicknames...) + `" ` + rest
}

// textAfterQuote quotes v and writes text after the closing quote.
func textAfterQuote(r *rand.Rand, v string) string {
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"` + oneOf(r, " (refurbished)", "x", " Ltd", "!")
}

// wrongFieldCount drops, adds or loses fields, or leaves a comma unquoted.
func wrongFieldCount(r *rand.Rand, row []cell) []cell {
	switch r.IntN(5) {
	case 0: // a field dropped
		k := r.IntN(len(row))
		return append(row[:k:k], row[k+1:]...)
	case 1: // an extra field
		k := r.IntN(len(row) + 1)
		extra := cell{v: oneOf(r, "N/A", "extra", "2024-Q3", "0", "PROMO10")}
		out := append(row[:k:k], extra)
		return append(out, row[k:]...)
	case 2: // the record cut short
		return row[:1+r.IntN(len(row)-2)]
	case 3: // a value's comma left unquoted
		for i := range row {
			if strings.IndexByte(row[i].v, ',') >= 0 && strings.IndexAny(row[i].v, "\"\n\r") < 0 {
				row[i].raw = true
				return row
			}
		}
	}
	// A trailing comma: one more, empty field.
	return append(row, cell{})
}
