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
	"github.com/beamline/beamline/transforms/fold"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
	"github.com/beamline/beamline/transforms/wire"
)

// Datasets of the employee performance analysis.
var (
	EmployeePerformanceTable = table.New(table.Spark, "employee_performance", "department, performance_segment (High, Good, Average, Developing)",
		table.S("department"), table.S("performance_segment"), table.I("employee_count"), table.M("avg_salary"),
		table.M("salary_std"), table.D("avg_tenure"), table.I("active_employees"))
	TopPerformersTable = table.New(table.Spark, "top_performers", "department, salary_rank, name, years_service desc",
		table.S("name"), table.S("department"), table.M("salary"), table.D("years_service"), table.I("salary_rank"))
)

func init() {
	fold.Register[SalaryCounts, records.EmployeeBlock]()
	register.Function1x1(salaryDist)
	wire.Register(encodeSalaryCounts, decodeSalaryCounts)
	wire.Register(encodeSalaryDist, decodeSalaryDist)
	register.DoFn4x0[records.EmployeeBlock, SalaryDist, Today, func(Performance)](&scoreFn{})
	register.Emitter1[Performance]()
	register.Combiner1[Performance](&mergePerformanceFn{})
	wire.Register(encodePerformance, decodePerformance)
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

// SalaryCounts counts employees per salary, per department.
type SalaryCounts struct {
	Depts map[string]map[money.Cents]int64
}

// Add counts a block's salaries.
func (a *SalaryCounts) Add(b records.EmployeeBlock) {
	for i := range b.Rows {
		a.Depts = countAmount(a.Depts, b.Rows[i].Department, b.Rows[i].Salary)
	}
}

// Merge adds another count.
func (a *SalaryCounts) Merge(o SalaryCounts) { a.Depts = mergeAmounts(a.Depts, o.Depts) }

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

func salaryDist(a SalaryCounts) SalaryDist {
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
	dist := beam.ParDo(s, salaryDist, fold.Over[SalaryCounts, records.EmployeeBlock](s, SalaryCounts{}, employees))
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
	b := table.NewBuilder(EmployeePerformanceTable)
	for _, r := range rows {
		b.Text(r.dept).Text(segments[r.seg]).Int(r.st.Count).Money(money.Avg(r.st.SalarySum, r.st.Count))
		if v, ok := r.st.SalaryStd(); ok {
			b.Money(v)
		} else {
			b.Text("")
		}
		b.Fixed(decimal.Ratio(r.st.Days*4, r.st.Count*1461)).Int(r.st.Active).End()
	}
	return b.Chunk(0)
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
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		// Same name, same pay, same department: longer service first. Rows
		// equal on all of these are equal on every column.
		return a.Days > b.Days
	})
	b := table.NewBuilder(TopPerformersTable)
	for _, t := range top {
		b.Text(t.Name).Text(t.Department).Money(t.Salary).Fixed(YearsService(t.Days)).Int(t.Rank).End()
	}
	return b.Chunk(0)
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

// Encode writes the counts in their binary form.
func (a *SalaryCounts) Encode(w *wire.Writer) { encodeAmounts(w, a.Depts, w.String) }

// Decode reads counts written by Encode.
func (a *SalaryCounts) Decode(r *wire.Reader) { a.Depts = decodeAmounts(r, r.String) }

// Encode writes the distribution in its binary form.
func (d *SalaryDist) Encode(w *wire.Writer) {
	w.Uint(uint64(len(d.Depts)))
	for name, ds := range d.Depts {
		w.String(name)
		w.Int(ds.Count)
		w.Int(int64(ds.Sum))
		w.Uint(uint64(len(ds.Salaries)))
		for i, s := range ds.Salaries {
			w.Int(int64(s))
			w.Int(ds.Below[i])
		}
	}
}

// Decode reads a distribution written by Encode.
func (d *SalaryDist) Decode(r *wire.Reader) {
	n := r.Len(3)
	d.Depts = make(map[string]DeptSalaries, n)
	for i := 0; i < n && r.Err == nil; i++ {
		name := r.String()
		ds := DeptSalaries{Count: r.Int(), Sum: money.Cents(r.Int())}
		m := r.Len(2)
		ds.Salaries, ds.Below = make([]money.Cents, m), make([]int64, m)
		for j := 0; j < m; j++ {
			ds.Salaries[j], ds.Below[j] = money.Cents(r.Int()), r.Int()
		}
		d.Depts[name] = ds
	}
}

// Encode writes the scored employees in their binary form.
func (p *Performance) Encode(w *wire.Writer) {
	w.Uint(uint64(len(p.Groups)))
	for k, g := range p.Groups {
		w.String(k)
		w.Int(g.Count)
		w.Int(int64(g.SalarySum))
		w.Int(g.Dev)
		w.Uint(g.DevSqHi)
		w.Uint(g.DevSqLo)
		w.Int(g.Days)
		w.Int(g.Active)
	}
	w.Uint(uint64(len(p.Top)))
	for _, t := range p.Top {
		w.String(t.Name)
		w.String(t.Department)
		w.Int(int64(t.Salary))
		w.Int(t.Days)
		w.Int(t.Rank)
	}
}

// Decode reads scored employees written by Encode.
func (p *Performance) Decode(r *wire.Reader) {
	n := r.Len(8)
	p.Groups = make(map[string]PerfStats, n)
	for i := 0; i < n && r.Err == nil; i++ {
		k := r.String()
		p.Groups[k] = PerfStats{Count: r.Int(), SalarySum: money.Cents(r.Int()), Dev: r.Int(), DevSqHi: r.Uint(), DevSqLo: r.Uint(), Days: r.Int(), Active: r.Int()}
	}
	m := r.Len(5)
	p.Top = make([]TopPerformer, 0, m)
	for i := 0; i < m && r.Err == nil; i++ {
		p.Top = append(p.Top, TopPerformer{Name: r.String(), Department: r.String(), Salary: money.Cents(r.Int()), Days: r.Int(), Rank: r.Int()})
	}
}

// encodeAmounts writes a per-group distribution of amounts.
func encodeAmounts[K comparable](w *wire.Writer, m map[K]map[money.Cents]int64, key func(K)) {
	w.Uint(uint64(len(m)))
	for k, counts := range m {
		key(k)
		w.Uint(uint64(len(counts)))
		for amt, n := range counts {
			w.Int(int64(amt))
			w.Int(n)
		}
	}
}

// decodeAmounts reads a distribution written by encodeAmounts.
func decodeAmounts[K comparable](r *wire.Reader, key func() K) map[K]map[money.Cents]int64 {
	n := r.Len(2)
	m := make(map[K]map[money.Cents]int64, n)
	for i := 0; i < n && r.Err == nil; i++ {
		k := key()
		c := r.Len(2)
		counts := make(map[money.Cents]int64, c)
		for j := 0; j < c; j++ {
			amt := money.Cents(r.Int())
			counts[amt] = r.Int()
		}
		m[k] = counts
	}
	return m
}

func encodeSalaryCounts(v SalaryCounts) []byte          { return wire.Marshal(v) }
func decodeSalaryCounts(b []byte) (SalaryCounts, error) { return wire.Unmarshal[SalaryCounts](b) }

func encodeSalaryDist(v SalaryDist) []byte          { return wire.Marshal(v) }
func decodeSalaryDist(b []byte) (SalaryDist, error) { return wire.Unmarshal[SalaryDist](b) }

func encodePerformance(v Performance) []byte          { return wire.Marshal(v) }
func decodePerformance(b []byte) (Performance, error) { return wire.Unmarshal[Performance](b) }
