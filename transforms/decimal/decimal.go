// Package decimal formats the results that are neither money nor counts
// (ages, percentages, shares, scores): rounded half away from zero to four
// decimals and written without trailing zeros ("36.0667", "96", "0.6412").
package decimal

import (
	"math"
	"strconv"

	"github.com/beamline/beamline/transforms/money"
)

// Fixed4 is a number with four decimals, held as an integer number of
// ten-thousandths.
type Fixed4 int64

const scale = 10_000

// Ratio returns num / den rounded half away from zero to four decimals, exact
// for any int64 operands; 0 when den is 0.
func Ratio(num, den int64) Fixed4 {
	if den == 0 {
		return 0
	}
	return Fixed4(money.MulDivRound(num, scale, den))
}

// Percent returns num × 100 / den to four decimals; 0 when den is 0.
func Percent(num, den int64) Fixed4 {
	if den == 0 {
		return 0
	}
	return Fixed4(money.MulDivRound(num, 100*scale, den))
}

// Float rounds f half away from zero to four decimals. NaN and infinities,
// which no result should produce, become 0.
func Float(f float64) Fixed4 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return Fixed4(math.Round(f * scale))
}

// Int returns the whole number v.
func Int(v int64) Fixed4 { return Fixed4(v * scale) }

// Float64 returns d as a float64.
func (d Fixed4) Float64() float64 { return float64(d) / scale }

// String formats d with up to four decimals and no trailing zeros.
func (d Fixed4) String() string { return string(d.Append(nil)) }

// Append appends the formatted d to b.
func (d Fixed4) Append(b []byte) []byte {
	v := int64(d)
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/scale, 10)
	frac := v % scale
	if frac == 0 {
		return b
	}
	digits := [4]byte{byte('0' + frac/1000), byte('0' + frac/100%10), byte('0' + frac/10%10), byte('0' + frac%10)}
	n := 4
	for digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...)
}
