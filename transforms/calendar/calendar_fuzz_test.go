package calendar

import (
	"testing"
	"time"
)

// FuzzParse checks Parse on any text: no panic; a date it accepts formats
// back to the date it read and parses again to itself; it accepts exactly the
// real dates time.Parse accepts in the same layouts (so impossible dates
// such as 2023-02-30 are refused), with years from 1.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2024-08-01", "2024/08/01", "2024-02-29", "2023-02-29", "2023-02-30", "2023-13-01", "0000-01-01",
		"15/03/2021", "yesterday", "2024-08-01T22:00:00-05:00", "2024-08-01T25:00:00Z", "2024/08/01T00:00:00Z",
		"2024-08-01 ", "+024-08-01", "2024-8-1", "9999-12-31", "\xff\xfe2024-01-01",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		want := accepted(s)
		if (err == nil) != want {
			t.Fatalf("Parse(%q) = %v, %v; time.Parse accepts it: %v", s, d, err, want)
		}
		if err != nil {
			if d != 0 || err != ErrSyntax {
				t.Fatalf("Parse(%q) failed with %v, %v", s, d, err)
			}
			return
		}
		str := d.String()
		if str[:4] != s[:4] || str[5:7] != s[5:7] || str[8:10] != s[8:10] {
			t.Fatalf("Parse(%q) = %s", s, str)
		}
		if again, err := Parse(str); err != nil || again != d {
			t.Fatalf("Parse(%q) = %s, which parses as %v, %v", s, str, again, err)
		}
	})
}

// accepted is the reference for Parse: time.Parse in the same layouts.
func accepted(s string) bool {
	if len(s) < 10 || s[:4] == "0000" {
		return false
	}
	var err error
	switch {
	case len(s) > 10:
		_, err = time.Parse(time.RFC3339Nano, s)
		if err == nil {
			// The date part must be written in full, as yyyy-MM-dd.
			_, err = time.Parse("2006-01-02", s[:10])
		}
	case s[4] == '/':
		_, err = time.Parse("2006/01/02", s)
	default:
		_, err = time.Parse("2006-01-02", s)
	}
	return err == nil
}

// FuzzDateString checks that every date of years 1..9999 formats as
// yyyy-MM-dd and parses back to itself, and that the day count and the
// calendar fields convert both ways.
func FuzzDateString(f *testing.F) {
	for _, n := range []int32{0, -1, 19936, -719162, 2932896, 11016, 59} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int32) {
		d := Date(n)
		y, m, day := d.YMD()
		if m < 1 || m > 12 || day < 1 || day > DaysIn(y, m) || FromYMD(y, m, day) != d {
			t.Fatalf("%d: YMD %d-%d-%d, back %d", n, y, m, day, FromYMD(y, m, day))
		}
		if want := time.Unix(int64(n)*86400, 0).UTC(); y != want.Year() || m != int(want.Month()) || day != want.Day() {
			t.Fatalf("%d: %d-%d-%d, time says %s", n, y, m, day, want.Format("2006-01-02"))
		}
		if y < 1 || y > 9999 {
			return
		}
		if again, err := Parse(d.String()); err != nil || again != d {
			t.Fatalf("%d: %s parses as %v, %v", n, d, again, err)
		}
	})
}
