package advanced

import (
	"math"
	"testing"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/customers"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/wire"
)

func TestSegmentBoundariesAreExact(t *testing.T) {
	// 11 colleagues: percentile = below/10. 3 years = 1095.75 days, so
	// 1095 days is under 3 years and 1096 is not.
	tests := []struct {
		below, n, days int64
		want           string
	}{
		{8, 11, 1096, "High Performer"},
		{8, 11, 1095, "Good Performer"}, // 0.8 but under 3 years
		{7, 11, 1096, "Good Performer"}, // 0.7
		{6, 11, 731, "Good Performer"},  // 0.6, 731 days ≥ 2 years (730.5)
		{6, 11, 730, "Average Performer"},
		{4, 11, 5000, "Average Performer"}, // 0.4
		{3, 11, 5000, "Developing"},
		{0, 1, 5000, "Developing"},       // alone in the department: percent_rank 0
		{11, 15, 5000, "Good Performer"}, // 11/14 = 0.786 < 0.8 (the 88k tie)
	}
	for _, tt := range tests {
		if got := Segment(tt.below, tt.n, tt.days); got != tt.want {
			t.Errorf("Segment(%d/%d, %d days) = %s, want %s", tt.below, tt.n-1, tt.days, got, tt.want)
		}
	}
	if got := YearsService(2607).String(); got != "7.1376" {
		t.Errorf("YearsService(2607) = %s", got)
	}
}

func TestRFMRules(t *testing.T) {
	tests := []struct {
		recency, freq int64
		monetary      money.Cents
		r, f, m       int64
		segment       string
	}{
		{7, 3, 1000_00, 3, 3, 3, "Champions"},
		{8, 2, 999_99, 2, 2, 2, "Loyal Customers"},
		{14, 1, 500_00, 2, 1, 2, "Potential Loyalists"},
		{15, 1, 499_99, 1, 1, 1, "New Customers"},
	}
	for _, tt := range tests {
		r, f, m := RFM(tt.recency, tt.freq, tt.monetary)
		if r != tt.r || f != tt.f || m != tt.m || CustomerSegment(r+f+m) != tt.segment {
			t.Errorf("RFM(%d, %d, %s) = %d %d %d %s", tt.recency, tt.freq, tt.monetary, r, f, m, CustomerSegment(r+f+m))
		}
	}
}

func TestSalaryStdIsExactAndOrderFree(t *testing.T) {
	var a, b, whole PerfStats
	salaries := []money.Cents{95_000_00, 92_000_00, 88_000_00}
	mean := money.Avg(275_000_00, 3)
	for i, s := range salaries {
		whole.Add(s, mean, 100, true)
		if i == 0 {
			a.Add(s, mean, 100, true)
		} else {
			b.Add(s, mean, 100, false)
		}
	}
	b.Merge(a)
	sd1, ok1 := whole.SalaryStd()
	sd2, ok2 := b.SalaryStd()
	// sample sd of 95000, 92000, 88000 = sqrt(12333333.33) = 3511.88
	if !ok1 || !ok2 || sd1 != sd2 || sd1.String() != "3511.88" || b.Active != 1 {
		t.Errorf("sd %s %s active %d", sd1, sd2, b.Active)
	}
	var one PerfStats
	one.Add(1_00, 1_00, 1, true)
	if _, ok := one.SalaryStd(); ok {
		t.Error("a group of one has no sample standard deviation")
	}
}

func TestDayRank(t *testing.T) {
	d, _ := calendar.Parse("2024-01-01")
	acc := DayAmounts{Days: map[calendar.Date]map[money.Cents]int64{d: {5_00: 2, 9_00: 1, 1_00: 1}, d + 1: {3_00: 1}}}
	// Through the binary form and back, as between Beam stages.
	var w wire.Writer
	acc.Encode(&w)
	var back DayAmounts
	back.Decode(&wire.Reader{B: w.B})
	r := dayRanks(back)
	day := r.Days[d]
	// 9.00 → 1; the two 5.00 share rank 2; 1.00 → 4 (rank leaves a gap).
	if day.Rank(9_00) != 1 || day.Rank(5_00) != 2 || day.Rank(1_00) != 4 || day.Running != 20_00 || r.Days[d+1].Running != 23_00 {
		t.Errorf("ranks %d %d %d running %s %s", day.Rank(9_00), day.Rank(5_00), day.Rank(1_00), day.Running, r.Days[d+1].Running)
	}
}

func TestPairsAndFeatures(t *testing.T) {
	tb := customers.NewTable(customers.Products | customers.Categories)
	sale := func(tx, customer, product, category string, total money.Cents) records.Sale {
		return records.Sale{TransactionID: tx, CustomerID: customer, CustomerName: customer, ProductName: product, Category: category, Quantity: 1, UnitPrice: total, TotalAmount: total}
	}
	tb.Add(records.SaleBlock{Rows: []records.Sale{
		sale("1", "C1", "A", "X", 10_00), sale("2", "C1", "B", "X", 10_00), sale("2b", "C1", "C", "X", 10_00),
		sale("3", "C2", "A", "X", 5_00), sale("4", "C2", "B", "Y", 5_00),
	}})
	// C1 orders 3 times for 30.00, C2 twice for 10.00.
	pairs, buyers := CountPairs(&tb)
	if len(pairs) != 3 || pairs[0] != (Pair{"A", "B", 2}) || buyers["C"] != 1 {
		t.Errorf("pairs %v buyers %v", pairs, buyers)
	}
	ids, cats, x := Features(&tb, 10)
	if len(ids) != 2 || len(cats) != 2 || x[1][4] != 0.5 || x[1][5] != 0.5 || x[0][3] != 10 || x[1][3] != 5 {
		t.Errorf("features %v %v %v", ids, cats, x)
	}
	Standardise(x)
	for j := range x[0] {
		mean := (x[0][j] + x[1][j]) / 2
		if math.Abs(mean) > 1e-12 {
			t.Errorf("column %d mean %v", j, mean)
		}
	}
	if x[0][2] != 1 || x[1][2] != -1 {
		t.Errorf("monetary z %v %v", x[0][2], x[1][2])
	}
	if slug("Home & Garden") != "home_garden" || slug("Électronique") != "électronique" {
		t.Errorf("slug %q %q", slug("Home & Garden"), slug("Électronique"))
	}
}

func TestTopPerformersHaveATotalOrder(t *testing.T) {
	p := Performance{Top: []TopPerformer{
		{Name: "Ann", Department: "X", Salary: 10, Days: 100, Rank: 1},
		{Name: "Ann", Department: "X", Salary: 10, Days: 300, Rank: 1},
		{Name: "Al", Department: "X", Salary: 10, Days: 5, Rank: 1},
	}}
	rows, err := topPerformers(p).Records()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "Al" || rows[1][3] != YearsService(300).String() || rows[2][3] != YearsService(100).String() {
		t.Errorf("order %v", rows)
	}
}
