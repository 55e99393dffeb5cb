package calendar

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"2024-08-01", "2024-08-01", true},
		{"2024/08/01", "2024-08-01", true},
		{"2024-02-29", "2024-02-29", true},
		{"2000-02-29", "2000-02-29", true},
		{"2024-08-01T23:30:00-05:00", "2024-08-01", true},
		{"2024-08-01T00:00:00Z", "2024-08-01", true},
		{"2024-08-01T10:00:00.123+02:00", "2024-08-01", true},
		{"2023-02-29", "", false},
		{"1900-02-29", "", false},
		{"2023-02-30", "", false},
		{"2024-13-01", "", false},
		{"2024-00-10", "", false},
		{"2024-04-31", "", false},
		{"0000-01-01", "", false},
		{"2024-8-1", "", false},
		{"2024/08-01", "", false},
		{"2024/08/01T00:00:00Z", "", false},
		{"2024-08-01T25:00:00Z", "", false},
		{"2024-08-01 10:00", "", false},
		{"01/08/2024", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		d, err := Parse(tt.in)
		if (err == nil) != tt.ok || (tt.ok && d.String() != tt.want) {
			t.Errorf("Parse(%q) = %v, %v; want %q ok=%v", tt.in, d, err, tt.want, tt.ok)
		}
	}
}

func TestRoundTripsEveryDayOfFourCenturies(t *testing.T) {
	prev := FromYMD(1899, 12, 31)
	for y := 1900; y < 2300; y++ {
		for m := 1; m <= 12; m++ {
			for d := 1; d <= DaysIn(y, m); d++ {
				date := FromYMD(y, m, d)
				if date != prev+1 {
					t.Fatalf("%04d-%02d-%02d is %d, not the day after %d", y, m, d, date, prev)
				}
				if gy, gm, gd := date.YMD(); gy != y || gm != m || gd != d {
					t.Fatalf("YMD(%d) = %d-%d-%d, want %d-%d-%d", date, gy, gm, gd, y, m, d)
				}
				prev = date
			}
		}
	}
	if FromYMD(1970, 1, 1) != 0 {
		t.Error("epoch is not day 0")
	}
}

func TestMonths(t *testing.T) {
	a, _ := Parse("2024-01-31")
	b, _ := Parse("2024-02-01")
	c, _ := Parse("2025-03-15")
	if got := MonthsBetween(a.Month(), b.Month()); got != 1 {
		t.Errorf("MonthsBetween(Jan, Feb) = %d, want 1", got)
	}
	if got := MonthsBetween(a.Month(), c.Month()); got != 14 {
		t.Errorf("MonthsBetween(2024-01, 2025-03) = %d, want 14", got)
	}
	if got := c.Month().String(); got != "2025-03" {
		t.Errorf("Month.String() = %q", got)
	}
}
