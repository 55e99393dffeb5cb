package pipelines_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beamline/beamline/data/gen/synth"
	"github.com/beamline/beamline/internal/pipelinetest"
)

// TestIndependentCheck generates a dirty dataset, ingests it, runs the
// three analyses on the clean files, and compares their outputs with the
// same figures computed by a plain single pass over the clean files that
// shares no code with beamline's transforms (encoding/csv, integer cents,
// its own rounding). Small blocks make every pipeline parse many blocks.
func TestIndependentCheck(t *testing.T) {
	raw, clean, out := t.TempDir(), t.TempDir(), t.TempDir()
	rep, err := synth.Generate(synth.Config{Rows: 30000, Employees: 3000, Seed: 11, Dirty: 0.03, Dir: raw})
	if err != nil {
		t.Fatal(err)
	}
	blocks := []string{"--block_size", "65536"}

	// Ingest: read = clean + rejected, and what is rejected is exactly what
	// the generator injected: its bad rows plus its duplicates.
	r := pipelinetest.MustRun(t, pipelinetest.Build(t, "./pipelines/ingest"), append(blocks, "--from", raw, "--input", clean, "--output", out)...)
	for _, f := range []struct {
		name string
		rep  synth.FileReport
	}{{"employees", rep.Employees}, {"sales", rep.Sales}} {
		rejected := f.rep.Bad + f.rep.Duplicates
		want := fmt.Sprintf("%s: read %d, clean %d, rejected %d", f.name, f.rep.Rows, f.rep.Rows-rejected, rejected)
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("ingest summary lacks %q:\n%s", want, r.Stdout)
		}
		_, rejects := pipelinetest.Dataset(t, out, "rejects/ingest/"+f.name)
		if int64(len(rejects)) != rejected {
			t.Errorf("%s: %d rejects written, want %d", f.name, len(rejects), rejected)
		}
		dups := 0
		for _, rj := range rejects {
			if strings.HasPrefix(rj[1], "duplicate ") {
				dups++
			}
		}
		if int64(dups) != f.rep.Duplicates {
			t.Errorf("%s: %d duplicates rejected, want %d", f.name, dups, f.rep.Duplicates)
		}
	}
	if rep.Sales.Bad == 0 || rep.Sales.Duplicates == 0 || rep.Employees.Bad == 0 {
		t.Fatalf("the generated data should be dirty: %+v", rep)
	}

	for _, p := range []string{"sales", "employees"} {
		r := pipelinetest.MustRun(t, pipelinetest.Build(t, "./pipelines/"+p), append(blocks, "--input", clean, "--output", out)...)
		if !strings.Contains(r.Stdout, "rejected 0") {
			t.Errorf("%s on clean input: %s", p, r.Stdout)
		}
	}
	pipelinetest.MustRun(t, pipelinetest.Build(t, "./pipelines/advanced"), append(blocks, "--input", clean, "--output", out, "--as-of", "2025-01-15")...)

	s := loadSales(t, filepath.Join(clean, "sales_data.csv"))
	e := loadEmployees(t, filepath.Join(clean, "sample_data.csv"))
	if int64(len(s)) != rep.Sales.Rows-rep.Sales.Bad-rep.Sales.Duplicates {
		t.Fatalf("clean sales file has %d rows", len(s))
	}

	t.Run("sales_kpi_global", func(t *testing.T) {
		var revenue, units int64
		customers := map[string]bool{}
		for _, x := range s {
			revenue += x.total
			units += x.qty
			customers[x.customer] = true
		}
		want := []string{itoa(int64(len(s))), cents(revenue), cents(avg(revenue, int64(len(s)))), itoa(units), itoa(int64(len(customers)))}
		_, got := pipelinetest.Dataset(t, out, "pig/sales_kpi_global")
		expectRows(t, got, [][]string{want})
	})

	t.Run("sales_by_region", func(t *testing.T) {
		type agg struct {
			n, rev int64
			cust   map[string]bool
		}
		by := map[string]*agg{}
		for _, x := range s {
			a := by[x.region]
			if a == nil {
				a = &agg{cust: map[string]bool{}}
				by[x.region] = a
			}
			a.n++
			a.rev += x.total
			a.cust[x.customer] = true
		}
		var want [][]string
		for k, a := range by {
			u := int64(len(a.cust))
			want = append(want, []string{k, itoa(a.n), cents(a.rev), cents(avg(a.rev, a.n)), itoa(u), cents(avg(a.rev, u))})
		}
		sort.Slice(want, func(i, j int) bool { return moneyDesc(want[i][2], want[j][2], want[i][0], want[j][0]) })
		_, got := pipelinetest.Dataset(t, out, "pig/sales_by_region")
		expectRows(t, got, want)
	})

	t.Run("salesperson_performance", func(t *testing.T) {
		rev := map[string]int64{}
		cust := map[string]map[string]bool{}
		for _, x := range s {
			rev[x.salesperson] += x.total
			if cust[x.salesperson] == nil {
				cust[x.salesperson] = map[string]bool{}
			}
			cust[x.salesperson][x.customer] = true
		}
		_, got := pipelinetest.Dataset(t, out, "pig/salesperson_performance")
		if len(got) != len(rev) {
			t.Fatalf("%d salespeople, want %d", len(got), len(rev))
		}
		for _, g := range got {
			if g[2] != cents(rev[g[0]]) || g[4] != itoa(int64(len(cust[g[0]]))) {
				t.Errorf("%s: revenue %s customers %s, want %s %d", g[0], g[2], g[4], cents(rev[g[0]]), len(cust[g[0]]))
			}
		}
	})

	t.Run("monthly_sales_trend", func(t *testing.T) {
		n, rev := map[string]int64{}, map[string]int64{}
		for _, x := range s {
			n[x.date[:7]]++
			rev[x.date[:7]] += x.total
		}
		_, got := pipelinetest.Dataset(t, out, "pig/monthly_sales_trend")
		if len(got) != len(n) || len(got) < 12 {
			t.Fatalf("%d months, want %d", len(got), len(n))
		}
		for i, g := range got {
			if (i > 0 && g[0] <= got[i-1][0]) || g[1] != itoa(n[g[0]]) || g[2] != cents(rev[g[0]]) {
				t.Errorf("month %v, want %d %s", g, n[g[0]], cents(rev[g[0]]))
			}
		}
	})

	t.Run("vip_customers", func(t *testing.T) {
		orders, spent := map[string]int64{}, map[string]int64{}
		for _, x := range s {
			orders[x.customer]++
			spent[x.customer] += x.total
		}
		var vips []string
		for c, n := range orders {
			if n > 2 {
				vips = append(vips, c)
			}
		}
		sort.Slice(vips, func(i, j int) bool {
			if spent[vips[i]] != spent[vips[j]] {
				return spent[vips[i]] > spent[vips[j]]
			}
			return vips[i] < vips[j]
		})
		_, got := pipelinetest.Dataset(t, out, "pig/vip_customers")
		if len(got) != len(vips) || len(vips) < 10 {
			t.Fatalf("%d VIPs, want %d", len(got), len(vips))
		}
		for i := 0; i < 10; i++ {
			if got[i][0] != vips[i] || got[i][2] != itoa(orders[vips[i]]) || got[i][3] != cents(spent[vips[i]]) {
				t.Errorf("VIP %d: %v, want %s %d %s", i, got[i], vips[i], orders[vips[i]], cents(spent[vips[i]]))
			}
		}
	})

	t.Run("basket_analysis", func(t *testing.T) {
		var total int64
		rev := map[string]int64{}
		for _, x := range s {
			total += x.total
			switch {
			case x.qty == 1:
				rev["Single Item"] += x.total
			case x.qty == 2:
				rev["Small Basket (2 items)"] += x.total
			default:
				rev["Large Basket (3+ items)"] += x.total
			}
		}
		_, got := pipelinetest.Dataset(t, out, "pig/basket_analysis")
		for _, g := range got {
			if g[2] != cents(rev[g[0]]) || g[4] != fixed4(rev[g[0]]*100, total) {
				t.Errorf("%v, want %s %s", g, cents(rev[g[0]]), fixed4(rev[g[0]]*100, total))
			}
		}
	})

	t.Run("department_statistics", func(t *testing.T) {
		type agg struct{ n, sal, age, lo, hi int64 }
		by := map[string]*agg{}
		for _, x := range e {
			a := by[x.dept]
			if a == nil {
				a = &agg{lo: x.salary, hi: x.salary}
				by[x.dept] = a
			}
			a.n++
			a.sal += x.salary
			a.age += x.age
			a.lo, a.hi = min(a.lo, x.salary), max(a.hi, x.salary)
		}
		_, got := pipelinetest.Dataset(t, out, "pig/department_statistics")
		if len(got) != len(by) {
			t.Fatalf("%d departments, want %d", len(got), len(by))
		}
		for i, g := range got {
			a := by[g[0]]
			want := []string{g[0], itoa(a.n), cents(avg(a.sal, a.n)), cents(a.lo), cents(a.hi), fixed4(a.age, a.n), cents(a.sal)}
			if strings.Join(g, ",") != strings.Join(want, ",") {
				t.Errorf("got %v want %v", g, want)
			}
			if i > 0 && atoi(t, got[i-1][1]) < a.n {
				t.Errorf("not ordered by count: %v after %v", g, got[i-1])
			}
		}
	})

	t.Run("customer_rfm_analysis", func(t *testing.T) {
		asOf := day(t, "2025-01-15")
		last, orders, spent := map[string]int{}, map[string]int64{}, map[string]int64{}
		for _, x := range s {
			d := day(t, x.date)
			if orders[x.customer] == 0 || d > last[x.customer] {
				last[x.customer] = d
			}
			orders[x.customer]++
			spent[x.customer] += x.total
		}
		segments := map[string]int{}
		for c := range orders {
			score := 0
			switch rec := asOf - last[c]; {
			case rec <= 7:
				score += 3
			case rec <= 14:
				score += 2
			default:
				score++
			}
			switch {
			case orders[c] >= 3:
				score += 3
			case orders[c] == 2:
				score += 2
			default:
				score++
			}
			switch {
			case spent[c] >= 100000:
				score += 3
			case spent[c] >= 50000:
				score += 2
			default:
				score++
			}
			switch {
			case score >= 8:
				segments["Champions"]++
			case score >= 6:
				segments["Loyal Customers"]++
			case score >= 4:
				segments["Potential Loyalists"]++
			default:
				segments["New Customers"]++
			}
		}
		m, got := pipelinetest.Dataset(t, out, "spark/customer_rfm_analysis")
		have := map[string]int{}
		for _, g := range got {
			have[g[m.Column("customer_segment")]]++
		}
		if fmt.Sprint(have) != fmt.Sprint(segments) {
			t.Errorf("segments %v, want %v", have, segments)
		}
	})

	t.Run("cohort_analysis", func(t *testing.T) {
		first := map[string]string{}
		for _, x := range s {
			if f, ok := first[x.customer]; !ok || x.date[:7] < f {
				first[x.customer] = x.date[:7]
			}
		}
		want := map[string]int{}
		for _, x := range s {
			want[first[x.customer]+"/"+itoa(int64(months(t, first[x.customer], x.date[:7])))]++
		}
		m, got := pipelinetest.Dataset(t, out, "spark/cohort_analysis")
		have := map[string]int{}
		for _, g := range got {
			have[g[m.Column("customer_cohort")]+"/"+g[m.Column("period_number")]]++
		}
		if fmt.Sprint(have) != fmt.Sprint(want) || len(want) < 50 {
			t.Errorf("cohort cells differ (%d vs %d cells)", len(have), len(want))
		}
	})
}

type saleRow struct {
	customer, region, salesperson, date string
	qty, total                          int64
}

type employeeRow struct {
	dept        string
	age, salary int64
}

func readCSV(t *testing.T, path string) (map[string]int, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range all[0] {
		col[h] = i
	}
	return col, all[1:]
}

func loadSales(t *testing.T, path string) []saleRow {
	col, rows := readCSV(t, path)
	out := make([]saleRow, len(rows))
	for i, r := range rows {
		out[i] = saleRow{customer: r[col["customer_id"]], region: r[col["region"]], salesperson: r[col["salesperson"]],
			date: r[col["sale_date"]], qty: atoi(t, r[col["quantity"]]), total: parseCents(t, r[col["total_amount"]])}
	}
	return out
}

func loadEmployees(t *testing.T, path string) []employeeRow {
	col, rows := readCSV(t, path)
	out := make([]employeeRow, len(rows))
	for i, r := range rows {
		out[i] = employeeRow{dept: r[col["department"]], age: atoi(t, r[col["age"]]), salary: parseCents(t, r[col["salary"]])}
	}
	return out
}

// parseCents reads the standard form ingest writes: digits, '.', 2 digits.
func parseCents(t *testing.T, s string) int64 {
	if len(s) < 4 || s[len(s)-3] != '.' {
		t.Fatalf("not a standard amount: %q", s)
	}
	return atoi(t, s[:len(s)-3]+s[len(s)-2:])
}

func atoi(t *testing.T, s string) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// avg is a/b rounded half away from zero (a, b ≥ 0).
func avg(a, b int64) int64 { return (2*a + b) / (2 * b) }

func cents(v int64) string { return fmt.Sprintf("%d.%02d", v/100, v%100) }

// fixed4 formats a/b to 4 decimals, half away from zero, no trailing zeros.
func fixed4(a, b int64) string {
	v := avg(a*10000, b)
	s := strings.TrimRight(fmt.Sprintf("%d.%04d", v/10000, v%10000), "0")
	return strings.TrimSuffix(s, ".")
}

func moneyDesc(a, b, ka, kb string) bool {
	fa, _ := strconv.ParseFloat(a, 64)
	fb, _ := strconv.ParseFloat(b, 64)
	if fa != fb {
		return fa > fb
	}
	return ka < kb
}

func day(t *testing.T, s string) int {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return int(d.Unix() / 86400)
}

func months(t *testing.T, from, to string) int {
	a, err1 := time.Parse("2006-01", from)
	b, err2 := time.Parse("2006-01", to)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return (b.Year()-a.Year())*12 + int(b.Month()-a.Month())
}

func expectRows(t *testing.T, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d:\n%v\n%v", len(got), len(want), got, want)
	}
	for i := range want {
		if strings.Join(got[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("row %d: %v, want %v", i, got[i], want[i])
		}
	}
}
