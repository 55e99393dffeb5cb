package decimal

import "testing"

func TestFormatting(t *testing.T) {
	tests := []struct {
		d    Fixed4
		want string
	}{
		{Ratio(541, 15), "36.0667"},
		{Ratio(471, 13), "36.2308"},
		{Percent(48, 50), "96"},
		{Percent(2, 50), "4"},
		{Ratio(147, 5), "29.4"},
		{Ratio(1, 8), "0.125"},
		{Ratio(1, 20000), "0.0001"}, // 0.00005 rounds half away from zero
		{Ratio(-1, 20000), "-0.0001"},
		{Ratio(1, 3), "0.3333"},
		{Ratio(5, 0), "0"},
		{Int(3), "3"},
		{Float(0.61538), "0.6154"},
		{Float(-1.23456), "-1.2346"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestPercentOfLargeSums(t *testing.T) {
	// Sums of cents far beyond what ×1e6 fits in 64 bits stay exact.
	if got := Percent(4_000_000_000_000_000, 8_000_000_000_000_000).String(); got != "50" {
		t.Errorf("got %s", got)
	}
}
