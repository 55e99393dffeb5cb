package advanced

import (
	"math"
	"math/big"
	"math/bits"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/decimal"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
)

// Datasets of the employee performance analysis.
var (
	EmployeePerformanceTable = table.New(table.Spark, "employee_performance", "department, performance_segment (High, Good, Average, Developing)",
		table.S("department"), table.S("performance_segment"), table.I("employee_count"), table.M("avg_salary"),
		table.M("salary_std"), table.D("avg_tenure"), table.I("active_employees"))
	TopPerformersTable = table.New(table.Spark, "top_performers", "department, salary_rank, name",
		table.S("name"), table.S("department"), table.M("salary"), table.D("years_service"), table.I("salary_rank"))
)

func init() {
	register.Combiner3[salaryCounts, records.EmployeeBlock, SalaryDist](&salaryDistFn{})
	register.DoFn4x0[records.EmployeeBlock, SalaryDist, Today, func(Performance)](&scoreFn{})
	register.Emitter1[Performance]()
	register.Combiner1[Performance](&mergePerformanceFn{})
	register.Function1x1(employeePerformance)
	register.Function1x1(topPerformers)
}

// Segments, best first: the first rule an employee meets names it.
var segments = []string{"High Performer", "Good Performer", "Average Performer", "Developing"}

// Segment applies the original's rules to a salary percentile (below/(n-1))
// and a tenure in days, exactly:
// percentile ≥ 0.8 and ≥ 3 years → High; ≥ 0.6 and ≥ 2 years → Good;
// ≥ 0.4 → Average; otherwise Developing. A year is 365.25 days.
func Segment(below, n, days int64) string {
	atLeast := func(num, den int64) bool { // percentile ≥ num/den
		if n <= 1 {
			return 0 >= num
		}
		return below*den >= num*(n-1)
	}
	years := func(y int64) bool { return days*4 >= y*1461 }
	switch {
	case atLeast(4, 5) && years(3):
		return segments[0]
	case atLeast(3, 5) && years(2):
		return segments[1]
	case atLeast(2, 5):
		return segments[2]
	}
	return segments[3]
}

// YearsService is days / 365.25, to four decimals.
func YearsService(days int64) decimal.Fixed4 { return decimal.Ratio(days*4, 1461) }

// salaryCounts counts employees per salary, per department.
type salaryCounts struct {
	Depts map[string]map[money.Cents]int64
}

// SalaryDist is, per department, the salary distribution ranks and
// percentiles are read from.
type SalaryDist struct {
	Depts map[string]DeptSalaries
}

// DeptSalaries is one department's distinct salaries, ascending, with the
// number of employees paid less than each.
type DeptSalaries struct {
	Salaries []money.Cents
	Below    []int64
	Count    int64
	Sum      money.Cents
}

// Rank returns how many colleagues earn less than salary and how many more.
func (d *DeptSalaries) Rank(salary money.Cents) (below, above int64) {
	i := sort.Search(len(d.Salaries), func(i int) bool { return d.Salaries[i] >= salary })
	below = d.Below[i]
	same := int64(0)
	if i+1 < len(d.Below) {
		same = d.Below[i+1] - below
	} else {
		same = d.Count - below
	}
	return below, d.Count - below - same
}

type salaryDistFn struct{}

func (salaryDistFn) CreateAccumulator() salaryCounts {
	return salaryCounts{Depts: map[string]map[money.Cents]int64{}}
}

func (salaryDistFn) AddInput(a salaryCounts, b records.EmployeeBlock) salaryCounts {
	for i := range b.Rows {
		a.Depts = countAmount(a.Depts, b.Rows[i].Department, b.Rows[i].Salary)
	}
	return a
}

func (salaryDistFn) MergeAccumulators(a, b salaryCounts) salaryCounts {
	a.Depts = mergeAmounts(a.Depts, b.Depts)
	return a
}

func (salaryDistFn) ExtractOutput(a salaryCounts) SalaryDist {
	out := SalaryDist{Depts: map[string]DeptSalaries{}}
	for d, m := range a.Depts {
		var ds DeptSalaries
		ds.Salaries, ds.Below, ds.Count, ds.Sum = ladder(m, false)
		out.Depts[d] = ds
	}
	return out
}

// PerfStats accumulates one (department, segment) group. The variance is
// kept exactly: deviations from the department mean, in cents, and their
// squares in 128 bits, so that it does not depend on merge order.
type PerfStats struct {
	Count     int64
	SalarySum money.Cents
	Dev       int64  // Σ (salary − department mean), in cents
	DevSqHi   uint64 // Σ (salary − department mean)², high 64 bits
	DevSqLo   uint64 // … low 64 bits
	Days      int64  // Σ days of service
	Active    int64
}

// Add adds one salary, given its deviation from the department mean.
func (p *PerfStats) Add(salary, deptMean money.Cents, days int64, active bool) {
	d := int64(salary - deptMean)
	ad := uint64(d)
	if d < 0 {
		ad = uint64(-d)
	}
	hi, lo := bits.Mul64(ad, ad)
	p.addSq(hi, lo)
	p.Count++
	p.SalarySum += salary
	p.Dev += d
	p.Days += days
	if active {
		p.Active++
	}
}

func (p *PerfStats) addSq(hi, lo uint64) {
	var carry uint64
	p.DevSqLo, carry = bits.Add64(p.DevSqLo, lo, 0)
	p.DevSqHi, _ = bits.Add64(p.DevSqHi, hi, carry)
}

// Merge adds another group's statistics.
func (p *PerfStats) Merge(o PerfStats) {
	p.Count += o.Count
	p.SalarySum += o.SalarySum
	p.Dev += o.Dev
	p.addSq(o.DevSqHi, o.DevSqLo)
	p.Days += o.Days
	p.Active += o.Active
}

// SalaryStd is the sample standard deviation of salaries, to the cent;
// false for a group of one, where it is undefined.
func (p *PerfStats) SalaryStd() (money.Cents, bool) {
	if p.Count < 2 {
		return 0, false
	}
	// var = (n·Σd² − (Σd)²) / (n·(n−1)), in cents², computed exactly.
	sq := new(big.Int).Lsh(new(big.Int).SetUint64(p.DevSqHi), 64)
	sq.Add(sq, new(big.Int).SetUint64(p.DevSqLo))
	n := big.NewInt(p.Count)
	num := new(big.Int).Mul(sq, n)
	dev := big.NewInt(p.Dev)
	num.Sub(num, dev.Mul(dev, dev))
	den := new(big.Int).Mul(n, big.NewInt(p.Count-1))
	v, _ := new(big.Rat).SetFrac(num, den).Float64()
	if v < 0 {
		v = 0
	}
	return money.Cents(math.Round(math.Sqrt(v))), true
}

// TopPerformer is one High Performer.
type TopPerformer struct {
	Name       string
	Department string
	Salary     money.Cents
	Days       int64
	Rank       int64
}

// Performance is the scored employees of some blocks: per (department,
// segment) statistics and the High Performers.
type Performance struct {
	Groups map[string]PerfStats // keyed department + "\x00" + segment
	Top    []TopPerformer
}

// Score segments every employee of a block against its department's
// salary distribution and the as-of date.
func Score(rows []records.Employee, dist *SalaryDist, asOf calendar.Date) Performance {
	p := Performance{Groups: map[string]PerfStats{}}
	for i := range rows {
		e := &rows[i]
		d := dist.Depts[e.Department]
		below, above := d.Rank(e.Salary)
		days := int64(asOf - e.HireDate)
		seg := Segment(below, d.Count, days)
		key := e.Department + "\x00" + seg
		g := p.Groups[key]
		g.Add(e.Salary, money.Avg(d.Sum, d.Count), days, e.Status == "Active")
		p.Groups[key] = g
		if seg == segments[0] {
			p.Top = append(p.Top, TopPerformer{strings.Clone(e.Name), strings.Clone(e.Department), e.Salary, days, above + 1})
		}
	}
	return p
}

// EmployeePerformance segments employees like the original (salary
// percentile within the department, years of service at asOf) and returns
// the employee_performance and top_performers datasets. It takes
// PCollection<records.EmployeeBlock> and PCollection<Today> (the
// as-of date, one element).
func EmployeePerformance(s beam.Scope, employees, asOf beam.PCollection) (performance, top beam.PCollection) {
	s = s.Scope("advanced.EmployeePerformance")
	dist := beam.Combine(s, &salaryDistFn{}, employees)
	scored := beam.ParDo(s, &scoreFn{}, employees, beam.SideInput{Input: dist}, beam.SideInput{Input: asOf})
	all := beam.Combine(s, &mergePerformanceFn{}, scored)
	return beam.ParDo(s, employeePerformance, all), beam.ParDo(s, topPerformers, all)
}

type scoreFn struct{}

func (scoreFn) ProcessElement(b records.EmployeeBlock, dist SalaryDist, asOf Today, emit func(Performance)) {
	emit(Score(b.Rows, &dist, asOf.Date))
}

type mergePerformanceFn struct{}

func (mergePerformanceFn) MergeAccumulators(a, b Performance) Performance {
	if a.Groups == nil {
		a.Groups = map[string]PerfStats{}
	}
	for k, v := range b.Groups {
		g := a.Groups[k]
		g.Merge(v)
		a.Groups[k] = g
	}
	a.Top = append(a.Top, b.Top...)
	return a
}

func employeePerformance(p Performance) table.Chunk {
	type row struct {
		dept string
		seg  int
		st   PerfStats
	}
	var rows []row
	for k, st := range p.Groups {
		dept, seg, _ := strings.Cut(k, "\x00")
		rows = append(rows, row{dept, indexOf(segments, seg), st})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].dept != rows[j].dept {
			return rows[i].dept < rows[j].dept
		}
		return rows[i].seg < rows[j].seg
	})
	var c table.Chunk
	for _, r := range rows {
		std := ""
		if v, ok := r.st.SalaryStd(); ok {
			std = v.String()
		}
		c.Rows = append(c.Rows, []string{r.dept, segments[r.seg], itoa(r.st.Count), money.Avg(r.st.SalarySum, r.st.Count).String(),
			std, decimal.Ratio(r.st.Days*4, r.st.Count*1461).String(), itoa(r.st.Active)})
	}
	return c
}

func topPerformers(p Performance) table.Chunk {
	top := p.Top
	sort.Slice(top, func(i, j int) bool {
		a, b := &top[i], &top[j]
		if a.Department != b.Department {
			return a.Department < b.Department
		}
		if a.Rank != b.Rank {
			return a.Rank < b.Rank
		}
		return a.Name < b.Name
	})
	var c table.Chunk
	for _, t := range top {
		c.Rows = append(c.Rows, []string{t.Name, t.Department, t.Salary.String(), YearsService(t.Days).String(), itoa(t.Rank)})
	}
	return c
}

func indexOf(list []string, v string) int {
	for i, s := range list {
		if s == v {
			return i
		}
	}
	return len(list)
}

// countAmount counts one amount of a group in a per-group distribution,
// creating what is missing (a decoded accumulator's empty maps come back
// nil). String keys are cloned so that no block's text is kept alive.
func countAmount[K comparable](m map[K]map[money.Cents]int64, group K, amount money.Cents) map[K]map[money.Cents]int64 {
	if m == nil {
		m = map[K]map[money.Cents]int64{}
	}
	counts := m[group]
	if counts == nil {
		counts = map[money.Cents]int64{}
		if s, ok := any(group).(string); ok {
			group = any(strings.Clone(s)).(K)
		}
		m[group] = counts
	}
	counts[amount]++
	return m
}

// mergeAmounts adds distribution b into a.
func mergeAmounts[K comparable](a, b map[K]map[money.Cents]int64) map[K]map[money.Cents]int64 {
	if a == nil {
		a = map[K]map[money.Cents]int64{}
	}
	for g, bm := range b {
		m := a[g]
		if m == nil {
			a[g] = bm
			continue
		}
		for amt, n := range bm {
			m[amt] += n
		}
	}
	return a
}

// ladder lists a distribution's distinct amounts in order (ascending or
// descending), each with how many values come before it, and the count and
// sum of all values: what ranks and percentiles are read from.
func ladder(counts map[money.Cents]int64, descending bool) (amounts []money.Cents, before []int64, n int64, sum money.Cents) {
	for amt := range counts {
		amounts = append(amounts, amt)
	}
	sort.Slice(amounts, func(i, j int) bool { return (amounts[i] < amounts[j]) != descending })
	before = make([]int64, len(amounts))
	for i, amt := range amounts {
		before[i] = n
		n += counts[amt]
		sum += amt * money.Cents(counts[amt])
	}
	return amounts, before, n, sum
}
