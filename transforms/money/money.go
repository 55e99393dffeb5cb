// Package money holds amounts as integer cents so that sums are exact, and
// formats them with exactly two decimals.
package money

import (
	"errors"
	"math"
	"math/bits"
	"strconv"
)

// Cents is an amount of money in hundredths of the currency unit.
type Cents int64

// Max is the largest amount Parse accepts (999,999,999,999.99): small enough
// that ten million of them still sum exactly in an int64.
const Max Cents = 99_999_999_999_999

// Parse errors. Callers add the field name and the value to them.
var (
	ErrSyntax   = errors.New("not a number")
	ErrDecimals = errors.New("more than 2 decimals")
	ErrRange    = errors.New("out of range")
)

// Parse reads a plain decimal (-?digits[.digits]) with at most two decimals.
// Exponents, thousands separators, signs other than a leading '-', Inf and
// NaN are syntax errors.
func Parse(s string) (Cents, error) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg = true
		s = s[1:]
	}
	intPart, frac, hasDot := s, "", false
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			intPart, frac, hasDot = s[:i], s[i+1:], true
			break
		}
	}
	if intPart == "" || (hasDot && frac == "") || !allDigits(intPart) || !allDigits(frac) {
		return 0, ErrSyntax
	}
	if len(frac) > 2 {
		return 0, ErrDecimals
	}
	for len(intPart) > 1 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	if len(intPart) > 12 {
		return 0, ErrRange
	}
	var v int64
	for i := 0; i < len(intPart); i++ {
		v = v*10 + int64(intPart[i]-'0')
	}
	v *= 100
	switch len(frac) {
	case 1:
		v += int64(frac[0]-'0') * 10
	case 2:
		v += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	if neg {
		v = -v
	}
	return Cents(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats c with exactly two decimals, e.g. "-12.30".
func (c Cents) String() string { return string(c.Append(nil)) }

// Append appends the two-decimal form of c to b.
func (c Cents) Append(b []byte) []byte {
	v := int64(c)
	if v < 0 {
		b = append(b, '-')
		if v == math.MinInt64 {
			// Cannot be negated; amounts never get here (Parse caps them).
			return append(b, "92233720368547758.08"...)
		}
		v = -v
	}
	b = strconv.AppendInt(b, v/100, 10)
	r := v % 100
	return append(b, '.', byte('0'+r/10), byte('0'+r%10))
}

// Float returns c in currency units, for statistics that are not sums.
func (c Cents) Float() float64 { return float64(c) / 100 }

// Times returns c × n and whether the product fits in an int64.
func (c Cents) Times(n int64) (Cents, bool) {
	p := int64(c) * n
	if n != 0 && (p/n != int64(c) || (n == -1 && c == math.MinInt64)) {
		return 0, false
	}
	return Cents(p), true
}

// Avg returns sum / n rounded half away from zero to the cent; 0 when n is 0.
func Avg(sum Cents, n int64) Cents {
	if n == 0 {
		return 0
	}
	return Cents(DivRound(int64(sum), n))
}

// Round returns c rounded half away from zero to whole units (Pig's ROUND
// of a positive amount), e.g. 27619.28 → 27619.
func (c Cents) Round() int64 { return DivRound(int64(c), 100) }

// DivRound returns a / b rounded half away from zero. b must not be 0.
// The one quotient beyond int64 (MinInt64 / -1) saturates to MaxInt64.
func DivRound(a, b int64) int64 {
	neg := (a < 0) != (b < 0)
	ua, ub := abs(a), abs(b)
	q, r := ua/ub, ua%ub
	return signed(q, r >= ub-r, neg) // 2r >= b without overflow
}

// MulDivRound returns a × m / b rounded half away from zero, computed in 128
// bits so that large sums scaled by m do not overflow. b must not be 0.
func MulDivRound(a, m, b int64) int64 {
	neg := (a < 0) != (m < 0) != (b < 0)
	hi, lo := bits.Mul64(abs(a), abs(m))
	ub := abs(b)
	if hi >= ub {
		// The quotient does not fit in 64 bits; saturate rather than panic.
		return signed(math.MaxUint64, false, neg)
	}
	q, r := bits.Div64(hi, lo, ub)
	return signed(q, r >= ub-r, neg)
}

// signed returns the magnitude q, plus one if up, with the sign neg,
// saturated to the int64 range: a quotient that does not fit must not wrap
// around to the other sign.
func signed(q uint64, up, neg bool) int64 {
	limit := uint64(math.MaxInt64)
	if neg {
		limit++ // -(1<<63) fits
	}
	if q > limit || (up && q == limit) {
		if neg {
			return math.MinInt64
		}
		return math.MaxInt64
	}
	if up {
		q++
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

func abs(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}
