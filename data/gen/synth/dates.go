package synth

import "github.com/beamline/beamline/transforms/calendar"

// The sales period: two full years.
var (
	salesStart = calendar.FromYMD(2023, 1, 1)
	salesEnd   = calendar.FromYMD(2024, 12, 31)
)

// Relative sales by month (January first) and weekday (Sunday first), in
// percent.
var (
	monthPct   = [12]int64{85, 88, 97, 98, 100, 104, 106, 101, 96, 100, 125, 145}
	weekdayPct = [7]int64{115, 90, 95, 97, 100, 110, 125}
)

// salesDays spreads a file's rows over the sales period: row i falls on the
// first day whose cumulative share exceeds i, so rows are in date order.
type salesDays struct {
	ends []int64  // ends[d]: rows on days 0..d
	text []string // yyyy-MM-dd of each day
	date []calendar.Date
}

func newSalesDays(rows int64) *salesDays {
	n := int(salesEnd-salesStart) + 1
	sd := &salesDays{ends: make([]int64, n), text: make([]string, n), date: make([]calendar.Date, n)}
	weights := make([]uint64, n)
	var total uint64
	for d := range n {
		date := salesStart + calendar.Date(d)
		_, m, day := date.YMD()
		wd := (int(date)%7 + 11) % 7 // 1970-01-01 was a Thursday
		w := int64(1000) * (1000 + int64(350*d/(n-1))) / 1000
		w = w * monthPct[m-1] / 100 * weekdayPct[wd] / 100
		switch {
		case m == 11 && wd == 5 && day >= 23 && day <= 29: // Black Friday
			w = w * 220 / 100
		case m == 11 && wd == 1 && day >= 26 || m == 12 && wd == 1 && day <= 2: // Cyber Monday
			w = w * 180 / 100
		case m == 12 && day == 25, m == 1 && day == 1:
			w = w * 40 / 100
		}
		weights[d] = uint64(w)
		total += uint64(w)
		sd.text[d] = date.String()
		sd.date[d] = date
	}
	var cum uint64
	for d, w := range weights {
		cum += w
		q, _ := mulDiv(uint64(rows), cum, total)
		sd.ends[d] = int64(q)
	}
	return sd
}

// day returns the index of the day row i falls on.
func (sd *salesDays) day(i int64) int {
	lo, hi := 0, len(sd.ends)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if sd.ends[m] > i {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}
