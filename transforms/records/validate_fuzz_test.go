package records

import (
	"strconv"
	"testing"
)

// FuzzParseInt checks ParseInt against strconv.ParseInt: it accepts exactly
// the base-10 literals without '+' or '_' that fit in an int64, with the
// same value, and says whether a refused literal is not an integer or out
// of range.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-0", "42", "-7", "+1", "1.0", "1e3", "1_000", "", "-", "9223372036854775807",
		"9223372036854775808", "-9223372036854775808", "-9223372036854775809", "99999999999999999999", "0x1f", " 1", "١"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseInt(s)
		want, werr := strconv.ParseInt(s, 10, 64)
		plain := s != "" && s[0] != '+'
		for i := 0; i < len(s); i++ {
			plain = plain && (s[i] == '-' && i == 0 || s[i] >= '0' && s[i] <= '9')
		}
		switch {
		case !plain || (werr != nil && err == nil):
			if err == nil {
				t.Fatalf("ParseInt(%q) = %d, want an error", s, got)
			}
		case werr == nil:
			if err != nil || got != want {
				t.Fatalf("ParseInt(%q) = %d, %v; want %d", s, got, err, want)
			}
		case err == nil:
			t.Fatalf("ParseInt(%q) = %d, strconv says %v", s, got, werr)
		}
		if err != nil && got != 0 {
			t.Fatalf("ParseInt(%q) failed with %d", s, got)
		}
		if plain && werr != nil && err != nil && (werr.(*strconv.NumError).Err == strconv.ErrRange) != (err == ErrIntegerRange) {
			t.Fatalf("ParseInt(%q): %v, strconv says %v", s, err, werr)
		}
	})
}
