package money

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Cents
		err  error
	}{
		{"1299.99", 129999, nil},
		{"75000", 7500000, nil},
		{"0.5", 50, nil},
		{"-3.10", -310, nil},
		{"007.00", 700, nil},
		{"0", 0, nil},
		{"999999999999.99", Max, nil},
		{"1000000000000", 0, ErrRange},
		{"1.999", 0, ErrDecimals},
		{"1.500", 0, ErrDecimals},
		{"1e5", 0, ErrSyntax},
		{"1,000", 0, ErrSyntax},
		{"+5", 0, ErrSyntax},
		{"NaN", 0, ErrSyntax},
		{"Inf", 0, ErrSyntax},
		{"", 0, ErrSyntax},
		{"-", 0, ErrSyntax},
		{".5", 0, ErrSyntax},
		{"5.", 0, ErrSyntax},
		{"1.2.3", 0, ErrSyntax},
		{" 5", 0, ErrSyntax},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if !errors.Is(err, tt.err) || (err == nil && got != tt.want) {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestString(t *testing.T) {
	for c, want := range map[Cents]string{0: "0.00", 5: "0.05", 129999: "1299.99", -310: "-3.10", 7500000: "75000.00", -5: "-0.05"} {
		if got := c.String(); got != want {
			t.Errorf("Cents(%d).String() = %q, want %q", c, got, want)
		}
	}
}

func TestAvgRoundsHalfAwayFromZero(t *testing.T) {
	tests := []struct {
		sum  Cents
		n    int64
		want Cents
	}{
		{2761928, 50, 55239},  // 552.3856 → 552.39
		{349997, 2, 174999},   // 1749.985 → 1749.99 (exact half)
		{-349997, 2, -174999}, // symmetric below zero
		{100, 3, 33},
		{200, 3, 67},
		{0, 0, 0},
	}
	for _, tt := range tests {
		if got := Avg(tt.sum, tt.n); got != tt.want {
			t.Errorf("Avg(%d, %d) = %d, want %d", tt.sum, tt.n, got, tt.want)
		}
	}
}

func TestRound(t *testing.T) {
	for c, want := range map[Cents]int64{2761928: 27619, 55239: 552, 8023077: 80231, 50: 1, 49: 0, -50: -1} {
		if got := c.Round(); got != want {
			t.Errorf("Cents(%d).Round() = %d, want %d", c, got, want)
		}
	}
}

func TestTimesDetectsOverflow(t *testing.T) {
	if got, ok := Cents(129999).Times(2); !ok || got != 259998 {
		t.Errorf("Times(2) = %d, %v", got, ok)
	}
	if _, ok := Max.Times(1 << 40); ok {
		t.Error("Times should report overflow")
	}
}

func TestMulDivRoundUses128Bits(t *testing.T) {
	// 9e18 × 10000 overflows 64 bits; the quotient does not.
	if got := MulDivRound(9_000_000_000_000_000_000, 10_000, 20_000); got != 4_500_000_000_000_000_000 {
		t.Errorf("MulDivRound = %d", got)
	}
	if got := MulDivRound(1, 1, 2); got != 1 {
		t.Errorf("MulDivRound(1,1,2) = %d, want 1 (half rounds up)", got)
	}
	if got := MulDivRound(-1, 1, 2); got != -1 {
		t.Errorf("MulDivRound(-1,1,2) = %d, want -1", got)
	}
}
