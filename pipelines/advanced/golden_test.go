package main

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/beamline/beamline/internal/pipelinetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pipelinetest.Cleanup()
	os.Exit(code)
}

func rowsOf(csv string) [][]string {
	var out [][]string
	for _, l := range strings.Split(csv, "\n") {
		out = append(out, strings.Split(l, ","))
	}
	return out
}

func count(rows [][]string, col int, value string) int {
	n := 0
	for _, r := range rows {
		if r[col] == value {
			n++
		}
	}
	return n
}

// TestGoldenPinnedAsOf pins --as-of 2025-07-01, a date for which the spec's
// [golden] values of §6 hold: every employee has more than 3 years of
// service (the latest hire is 2022-06-24) and every customer's last
// purchase (2024-08-25 at the latest) is more than 14 days old.
func TestGoldenPinnedAsOf(t *testing.T) {
	bin := pipelinetest.Build(t, "./pipelines/advanced")
	out := t.TempDir()
	r := pipelinetest.MustRun(t, bin, "--output", out, "--as-of", "2025-07-01")
	if !strings.Contains(r.Stdout, "as-of date: 2025-07-01") {
		t.Errorf("summary:\n%s", r.Stdout)
	}

	// employee_performance: High/Good/Average/Developing per department,
	// Engineering 2/4/3/6, Finance 3/2/2/5, HR 2/2/2/4, Marketing 3/2/3/5.
	_, perf := pipelinetest.Dataset(t, out, "spark/employee_performance")
	var got []string
	for _, r := range perf {
		got = append(got, r[0]+"/"+r[1]+"="+r[2])
	}
	want := []string{
		"Engineering/High Performer=2", "Engineering/Good Performer=4", "Engineering/Average Performer=3", "Engineering/Developing=6",
		"Finance/High Performer=3", "Finance/Good Performer=2", "Finance/Average Performer=2", "Finance/Developing=5",
		"HR/High Performer=2", "HR/Good Performer=2", "HR/Average Performer=2", "HR/Developing=4",
		"Marketing/High Performer=3", "Marketing/Good Performer=2", "Marketing/Average Performer=3", "Marketing/Developing=5",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("employee_performance:\ngot  %v\nwant %v", got, want)
	}
	// Engineering High: 95000 and 92000, mean 93500, sample sd
	// sqrt(((95000-93500)² + (92000-93500)²)/1) = 2121.32; Finance High has
	// one inactive member (Julia Roberts).
	if strings.Join(perf[0], ",") != "Engineering,High Performer,2,93500.00,2121.32,"+perf[0][5]+",2" || perf[4][6] != "2" {
		t.Errorf("Engineering High row %v, Finance High row %v", perf[0], perf[4])
	}

	// top_performers: years_service = (2025-07-01 − hire_date) / 365.25,
	// e.g. David Wilson 2018-05-12 → 2607 days → 7.1376.
	_, top := pipelinetest.Dataset(t, out, "spark/top_performers")
	wantTop := rowsOf(`David Wilson,Engineering,95000.00,7.1376,1
Jack Anderson,Engineering,92000.00,8.898,2
Sam Patel,Finance,81000.00,6.5352,1
Paul Nguyen,Finance,76000.00,7.5866,2
Julia Roberts,Finance,75000.00,5.0486,3
George Miller,HR,80000.00,6.9733,1
Yuki Tanaka,HR,72000.00,4.5914,2
Diana Prince,Marketing,94000.00,8.5695,1
Steve Jobs,Marketing,93000.00,8.2902,2
Kevin Park,Marketing,91000.00,7.4223,3`)
	if !reflect.DeepEqual(top, wantTop) {
		t.Errorf("top_performers:\ngot  %v\nwant %v", top, wantTop)
	}

	// RFM at 2025-07-01: R = 1 and F = 1 for everyone; M = 3 for the 9
	// customers who spent ≥ 1000 (score 5), 2 for the 9 who spent 500–999.99
	// (score 4), 1 for the other 32 (score 3, New Customers).
	m, rfm := pipelinetest.Dataset(t, out, "spark/customer_rfm_analysis")
	seg, score := m.Column("customer_segment"), m.Column("rfm_score")
	if len(rfm) != 50 || count(rfm, seg, "New Customers") != 32 || count(rfm, seg, "Potential Loyalists") != 18 ||
		count(rfm, score, "5") != 9 || count(rfm, score, "4") != 9 || count(rfm, seg, "Champions") != 0 {
		t.Errorf("rfm: %d rows, %d new, %d potential", len(rfm), count(rfm, seg, "New Customers"), count(rfm, seg, "Potential Loyalists"))
	}
	fives := map[string]bool{}
	for _, r := range rfm {
		if r[score] == "5" {
			fives[r[1]] = true
		}
	}
	for _, name := range []string{"Alice Johnson", "Carol Davis", "Eve Brown", "Henry Taylor", "Paul Nguyen", "Uma Singh", "Fiona Shaw", "Quincy Jones", "Will Smith"} {
		if !fives[name] {
			t.Errorf("%s should score 5", name)
		}
	}
	// C001 bought 2599.98 on 2024-08-01: 334 days before 2025-07-01.
	if got := strings.Join(rfm[0], ","); got != "C001,Alice Johnson,2024-08-01,1,2599.98,2599.98,334,1,1,3,5,Potential Loyalists" {
		t.Errorf("rfm C001: %s", got)
	}
}

// TestGoldenDatasetsThatDoNotDependOnTheDate checks the rest of spec §6 on
// the default as-of (the day after the latest sale).
func TestGoldenDatasetsThatDoNotDependOnTheDate(t *testing.T) {
	bin := pipelinetest.Build(t, "./pipelines/advanced")
	out := t.TempDir()
	r := pipelinetest.MustRun(t, bin, "--output", out)
	// The latest sale_date is 2024-08-25.
	if !strings.Contains(r.Stdout, "as-of date: 2024-08-26") {
		t.Errorf("summary:\n%s", r.Stdout)
	}

	_, summary := pipelinetest.Dataset(t, out, "spark/executive_summary")
	wantSummary := rowsOf(`Total Employees,50,HR
Average Salary,$75960.00,HR
Departments,4,HR
Cities,49,HR
Total Transactions,50,Sales
Total Revenue,$27619.28,Sales
Average Transaction,$552.39,Sales
Unique Customers,50,Sales
Unique Products,11,Sales`)
	if !reflect.DeepEqual(summary, wantSummary) {
		t.Errorf("executive_summary (no duplicated header row):\ngot  %v\nwant %v", summary, wantSummary)
	}

	// geographic_analysis: 17 (region, category) cells. North America
	// Electronics: 8399.92 of the region's 13099.66 = 0.6412; Africa sells
	// only Electronics (share 1); Oceania Clothing 79.99 of 129.98 = 0.6154.
	m, geo := pipelinetest.Dataset(t, out, "spark/geographic_analysis")
	if len(geo) != 17 {
		t.Errorf("geographic_analysis has %d rows", len(geo))
	}
	find := func(region, category string) []string {
		for _, r := range geo {
			if r[0] == region && r[1] == category {
				return r
			}
		}
		t.Fatalf("no %s/%s", region, category)
		return nil
	}
	share, tx, rev := m.Column("market_share"), m.Column("transactions"), m.Column("revenue")
	na := find("North America", "Electronics")
	if na[tx] != "6" || na[rev] != "8399.92" || na[share] != "0.6412" || na[m.Column("region_rank")] != "1" {
		t.Errorf("North America/Electronics %v", na)
	}
	if af := find("Africa", "Electronics"); af[tx] != "1" || af[rev] != "999.98" || af[share] != "1" {
		t.Errorf("Africa/Electronics %v", af)
	}
	if oc := find("Oceania", "Clothing"); oc[rev] != "79.99" || oc[share] != "0.6154" {
		t.Errorf("Oceania/Clothing %v", oc)
	}

	// cohort_analysis: every sale, all in cohort 2024-08 at period 0.
	m, cohort := pipelinetest.Dataset(t, out, "spark/cohort_analysis")
	if len(cohort) != 50 || count(cohort, m.Column("customer_cohort"), "2024-08") != 50 || count(cohort, m.Column("period_number"), "0") != 50 {
		t.Errorf("cohort_analysis: %d rows", len(cohort))
	}

	// sales_trends: the running total reaches 27619.28 on the last day;
	// on 2024-08-01, T001 (2599.98) ranks above T002 (899.99) and both
	// carry that day's revenue, 3499.97.
	m, trends := pipelinetest.Dataset(t, out, "spark/sales_trends")
	byTx := map[string][]string{}
	for _, r := range trends {
		byTx[r[0]] = r
	}
	run, rank := m.Column("running_total"), m.Column("daily_rank")
	if byTx["T001"][run] != "3499.97" || byTx["T001"][rank] != "1" || byTx["T002"][rank] != "2" || byTx["T050"][run] != "27619.28" {
		t.Errorf("sales_trends T001 %v T002 %v T050 %v", byTx["T001"], byTx["T002"], byTx["T050"])
	}

	// Each customer bought one product once: 50 one-product baskets and no
	// pair bought together.
	_, basket := pipelinetest.Dataset(t, out, "spark/market_basket")
	_, pairs := pipelinetest.Dataset(t, out, "spark/market_basket_pairs")
	if len(basket) != 50 || count(basket, 3, "1") != 50 || len(pairs) != 0 {
		t.Errorf("market_basket %d rows, pairs %d", len(basket), len(pairs))
	}

	// ml_features: one row per customer, a share column per category, and
	// frequency standardised to 0 (every customer bought once).
	m, features := pipelinetest.Dataset(t, out, "spark/ml_features")
	if got := strings.Join(m.Header(), ","); got != "customer_id,recency,frequency,monetary,avg_basket,share_appliances,share_clothing,share_electronics,share_furniture,share_sports" {
		t.Errorf("ml_features columns %s", got)
	}
	if len(features) != 50 || count(features, m.Column("frequency"), "0") != 50 {
		t.Errorf("ml_features: %d rows", len(features))
	}
}

// TestRFMAtTheDefaultAsOf derives the RFM segments for the default as-of,
// 2024-08-26, by hand. Recency is 26 − the day of the last purchase:
// purchases on 08-19..08-25 (14 customers) score R=3, 08-12..08-18 (14)
// R=2, 08-01..08-11 (22) R=1. F is 1 for all. Loyal Customers (score ≥ 6):
// R=3 with M≥2 — C038 899.99, C040 599.99, C043 1299.99, C047 599.98,
// C049 1799.98 — and R=2 with M=3 — C032 1299.99: 6 customers. New
// Customers (score 3) are R=1 with M=1: C004, C006, C007, C009, C010, C011,
// C012, C013, C015, C017, C019, C020, C022: 13. Potential Loyalists are the
// other 31; no Champions (that needs F ≥ 2).
func TestRFMAtTheDefaultAsOf(t *testing.T) {
	bin := pipelinetest.Build(t, "./pipelines/advanced")
	out := t.TempDir()
	pipelinetest.MustRun(t, bin, "--output", out)
	m, rfm := pipelinetest.Dataset(t, out, "spark/customer_rfm_analysis")
	seg := m.Column("customer_segment")
	got := map[string]int{}
	var loyal []string
	for _, r := range rfm {
		got[r[seg]]++
		if r[seg] == "Loyal Customers" {
			loyal = append(loyal, r[0])
		}
	}
	if got["Loyal Customers"] != 6 || got["New Customers"] != 13 || got["Potential Loyalists"] != 31 || got["Champions"] != 0 {
		t.Errorf("segments %v", got)
	}
	if strings.Join(loyal, ",") != "C032,C038,C040,C043,C047,C049" {
		t.Errorf("loyal %v", loyal)
	}
	// C038 (Luna Gonzalez) bought on 2024-08-19: 7 days → R=3.
	for _, r := range rfm {
		if r[0] == "C038" && (r[m.Column("recency_days")] != "7" || r[m.Column("r_score")] != "3") {
			t.Errorf("C038 %v", r)
		}
	}
	// At this date the segments are the pinned date's (no High or Good
	// performer has under 2–3 years), but tenure is 309 days shorter:
	// David Wilson 2607 − 309 = 2298 days → 6.2916 years.
	_, top := pipelinetest.Dataset(t, out, "spark/top_performers")
	if len(top) != 10 || strings.Join(top[0], ",") != "David Wilson,Engineering,95000.00,6.2916,1" {
		t.Errorf("top_performers %v", top)
	}
}
