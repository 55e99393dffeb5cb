// Package employees computes every output of the original data_analysis.pig
// over employee records: totals, statistics by department, city, age group,
// salary bracket and status, the top earners, a text report and anomalies.
package employees

import (
	"strings"

	"github.com/beamline/beamline/transforms/decimal"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/order"
	"github.com/beamline/beamline/transforms/records"
)

// Stats accumulates a group of employees: count, salaries (exact, in cents)
// and ages.
type Stats struct {
	Count     int64
	SalarySum money.Cents
	SalaryMin money.Cents
	SalaryMax money.Cents
	AgeSum    int64
}

// Add adds one employee.
func (s *Stats) Add(e *records.Employee) {
	if s.Count == 0 || e.Salary < s.SalaryMin {
		s.SalaryMin = e.Salary
	}
	if s.Count == 0 || e.Salary > s.SalaryMax {
		s.SalaryMax = e.Salary
	}
	s.Count++
	s.SalarySum += e.Salary
	s.AgeSum += e.Age
}

// Merge adds another group's statistics.
func (s *Stats) Merge(o Stats) {
	if o.Count == 0 {
		return
	}
	if s.Count == 0 || o.SalaryMin < s.SalaryMin {
		s.SalaryMin = o.SalaryMin
	}
	if s.Count == 0 || o.SalaryMax > s.SalaryMax {
		s.SalaryMax = o.SalaryMax
	}
	s.Count += o.Count
	s.SalarySum += o.SalarySum
	s.AgeSum += o.AgeSum
}

// AvgSalary is the mean salary, to the cent.
func (s *Stats) AvgSalary() money.Cents { return money.Avg(s.SalarySum, s.Count) }

// AvgAge is the mean age, to four decimals.
func (s *Stats) AvgAge() decimal.Fixed4 { return decimal.Ratio(s.AgeSum, s.Count) }

// Grouping names what employees are grouped by.
type Grouping string

// The groupings of data_analysis.pig.
const (
	ByDepartment    Grouping = "department"
	ByCity          Grouping = "city"
	ByAgeGroup      Grouping = "age_group"
	BySalaryBracket Grouping = "salary_bracket"
	ByStatus        Grouping = "status"
)

// Key returns e's group under g.
func (g Grouping) Key(e *records.Employee) string {
	switch g {
	case ByDepartment:
		return e.Department
	case ByCity:
		return e.City
	case ByAgeGroup:
		return AgeGroup(e.Age)
	case BySalaryBracket:
		return SalaryBracket(e.Salary)
	case ByStatus:
		return e.Status
	}
	panic("employees: unknown grouping " + string(g))
}

// AgeGroup is the original's age band: under 30, 30-39, 40 and over.
func AgeGroup(age int64) string {
	switch {
	case age < 30:
		return "Young (< 30)"
	case age < 40:
		return "Middle (30-39)"
	}
	return "Senior (40+)"
}

// SalaryBracket is the original's salary band; 80,000 exactly is High.
func SalaryBracket(salary money.Cents) string {
	switch {
	case salary < 60_000_00:
		return "Low (< 60K)"
	case salary < 80_000_00:
		return "Medium (60K-80K)"
	}
	return "High (80K+)"
}

// salaryBrackets and ageGroups list the bands in their natural order.
var (
	ageGroups      = []string{"Young (< 30)", "Middle (30-39)", "Senior (40+)"}
	salaryBrackets = []string{"Low (< 60K)", "Medium (60K-80K)", "High (80K+)"}
)

// Groups is a set of groups' statistics, keyed by group: the accumulator of
// a grouping (its zero value with By set is empty).
type Groups struct {
	By    Grouping
	Stats map[string]Stats
}

// Add adds every employee of a block.
func (gs *Groups) Add(b records.EmployeeBlock) {
	if gs.Stats == nil {
		gs.Stats = map[string]Stats{}
	}
	for i := range b.Rows {
		k := gs.By.Key(&b.Rows[i])
		st, ok := gs.Stats[k]
		st.Add(&b.Rows[i])
		if !ok {
			k = strings.Clone(k) // do not keep the block's text alive
		}
		gs.Stats[k] = st
	}
}

// Merge adds another set of the same grouping.
func (gs *Groups) Merge(o Groups) {
	if gs.By == "" {
		gs.By = o.By
	}
	if gs.Stats == nil {
		gs.Stats = map[string]Stats{}
	}
	for k, v := range o.Stats {
		acc := gs.Stats[k]
		acc.Merge(v)
		gs.Stats[k] = acc
	}
}

// Named is one group's key and statistics.
type Named = order.Entry[Stats]

// Sorted returns the groups ordered by cmp, ties broken by key.
func (gs *Groups) Sorted(cmp func(a, b *Stats) int) []Named { return order.Entries(gs.Stats, cmp) }

// Total returns the statistics of all groups together.
func (gs *Groups) Total() Stats {
	var t Stats
	for _, v := range gs.Stats {
		t.Merge(v)
	}
	return t
}

// byCountDesc orders groups by employee count, largest first.
func byCountDesc(a, b *Stats) int { return order.Int(b.Count, a.Count) }

// byAvgAge orders groups by mean age, youngest first (exact comparison of
// AgeSum/Count).
func byAvgAge(a, b *Stats) int { return order.Int(a.AgeSum*b.Count, b.AgeSum*a.Count) }
