package money

import (
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

// plain is the syntax Parse accepts: -?digits[.d[d]].
var plain = regexp.MustCompile(`^-?[0-9]+(\.[0-9]{1,2})?$`)

// FuzzParse checks Parse on any text against math/big: no panic; it accepts
// exactly the plain decimals with at most two decimals and twelve integer
// digits, their value is exact (the same as big.Rat's), and String gives
// them back in standard form, which parses again to the same cents.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"0", "-0", "12.3", "12.30", "1299.99", "-5", "007.50", "999999999999.99", "1000000000000", "1.", ".5",
		"1e5", "75,000", "NaN", "Inf", "+1", "1.001", " 1", "--1", "0x10", "١٢", "1_000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		intDigits := len(strings.TrimLeft(strings.TrimPrefix(strings.SplitN(s, ".", 2)[0], "-"), "0"))
		if want := plain.MatchString(s) && intDigits <= 12; (err == nil) != want {
			t.Fatalf("Parse(%q) = %v, %v; want accepted %v", s, c, err, want)
		}
		if err != nil {
			if c != 0 {
				t.Fatalf("Parse(%q) failed with %d", s, c)
			}
			return
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("big.Rat refuses %q", s)
		}
		if r.Mul(r, big.NewRat(100, 1)); !r.IsInt() || r.Num().Cmp(big.NewInt(int64(c))) != 0 {
			t.Fatalf("Parse(%q) = %d cents, big.Rat says %s", s, c, r.RatString())
		}
		if c > Max || c < -Max {
			t.Fatalf("Parse(%q) = %d beyond Max", s, c)
		}
		str := c.String()
		if again, err := Parse(str); err != nil || again != c || !plain.MatchString(str) || len(str) < 4 || str[len(str)-3] != '.' {
			t.Fatalf("Parse(%q) = %d, String %q, which parses as %d, %v", s, c, str, again, err)
		}
	})
}

// FuzzArithmetic checks Times, DivRound and MulDivRound against math/big:
// exact results, rounded half away from zero, and overflow reported (Times)
// or saturated (MulDivRound) rather than wrapped.
func FuzzArithmetic(f *testing.F) {
	f.Add(int64(129999), int64(2), int64(3))
	f.Add(int64(-5), int64(1), int64(2))
	f.Add(int64(math.MaxInt64), int64(2), int64(1))
	f.Add(int64(math.MinInt64), int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, a, m, b int64) {
		ba, bm, bb := big.NewInt(a), big.NewInt(m), big.NewInt(b)
		prod := new(big.Int).Mul(ba, bm)
		p, ok := Cents(a).Times(m)
		if ok != prod.IsInt64() || (ok && int64(p) != prod.Int64()) {
			t.Fatalf("%d.Times(%d) = %d, %v; exact %s", a, m, p, ok, prod)
		}
		if b == 0 {
			return
		}
		if q := roundHalfAway(ba, bb); DivRound(a, b) != saturate(q) {
			t.Fatalf("DivRound(%d, %d) = %d, want %d (exact %s)", a, b, DivRound(a, b), saturate(q), q)
		}
		q := roundHalfAway(prod, bb)
		if got := MulDivRound(a, m, b); got != saturate(q) {
			t.Fatalf("MulDivRound(%d, %d, %d) = %d, want %d (exact %s)", a, m, b, got, saturate(q), q)
		}
	})
}

// saturate returns q clamped to the int64 range.
func saturate(q *big.Int) int64 {
	switch {
	case q.IsInt64():
		return q.Int64()
	case q.Sign() < 0:
		return math.MinInt64
	}
	return math.MaxInt64
}

// roundHalfAway returns n / d rounded half away from zero.
func roundHalfAway(n, d *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	if twice.Cmp(new(big.Int).Abs(d)) >= 0 {
		if (n.Sign() < 0) != (d.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}
