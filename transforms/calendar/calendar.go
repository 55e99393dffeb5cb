// Package calendar holds calendar dates and months without time zones: a
// sale_date or hire_date is a day as written, never shifted.
package calendar

import (
	"errors"
	"strconv"
	"time"
)

// Date is a calendar day, counted in days since 1970-01-01.
type Date int32

// ErrSyntax is returned for a value that is not a real calendar date in one
// of the accepted layouts.
var ErrSyntax = errors.New("not a date")

// Parse reads yyyy-MM-dd, yyyy/MM/dd or an RFC 3339 timestamp. A timestamp
// gives the date as written, in the value's own offset
// ("2024-08-01T23:30:00-05:00" is 2024-08-01). Impossible dates such as
// 2023-02-30 are errors.
func Parse(s string) (Date, error) {
	if len(s) < 10 {
		return 0, ErrSyntax
	}
	sep := s[4]
	if (sep != '-' && sep != '/') || s[7] != sep {
		return 0, ErrSyntax
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > DaysIn(y, m) {
		return 0, ErrSyntax
	}
	if len(s) > 10 {
		// Only the RFC 3339 form carries more than the date, and only with '-'.
		if sep != '-' {
			return 0, ErrSyntax
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return 0, ErrSyntax
		}
	}
	return FromYMD(y, m, d), nil
}

func digits(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// DaysIn returns the number of days in month m of year y.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// FromYMD returns the date for year y, month m (1-12) and day d. It uses the
// proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
func FromYMD(y, m, d int) Date {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Date(era*146097 + doe - 719468)
}

// YMD returns the year, month (1-12) and day of d.
func (d Date) YMD() (y, m, day int) {
	z := int(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, day
}

// String formats d as yyyy-MM-dd.
func (d Date) String() string { return string(d.Append(nil)) }

// Append appends the yyyy-MM-dd form of d to b.
func (d Date) Append(b []byte) []byte {
	y, m, day := d.YMD()
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = appendPadded(b, m, 2)
	b = append(b, '-')
	return appendPadded(b, day, 2)
}

func appendPadded(b []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// Month returns the calendar month d falls in.
func (d Date) Month() Month {
	y, m, _ := d.YMD()
	return MonthOf(y, m)
}

// Month is a calendar month, counted as year×12 + (month−1).
type Month int32

// MonthOf returns the month m (1-12) of year y.
func MonthOf(y, m int) Month { return Month(y*12 + m - 1) }

// YM returns the year and month (1-12) of mo.
func (mo Month) YM() (y, m int) { return int(mo) / 12, int(mo)%12 + 1 }

// String formats mo as yyyy-MM, the original's year_month.
func (mo Month) String() string {
	y, m := mo.YM()
	b := appendPadded(nil, y, 4)
	b = append(b, '-')
	return string(appendPadded(b, m, 2))
}

// MonthsBetween returns the whole number of calendar months from a to b
// (2024-01-31 → 2024-02-01 is 1).
func MonthsBetween(a, b Month) int { return int(b - a) }
