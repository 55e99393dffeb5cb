package employees

import (
	"sort"
	"strings"

	"github.com/beamline/beamline/transforms/records"
)

// TopN keeps the N best-paid employees: salary descending, ties by name,
// then department, city and id, so that the set and its order are
// deterministic.
type TopN struct {
	N    int
	Rows []records.Employee
}

// Add offers a block of employees.
func (t *TopN) Add(b records.EmployeeBlock) {
	rows := b.Rows
	for i := range rows {
		if len(t.Rows) >= t.N && !earnsMore(&rows[i], &t.Rows[len(t.Rows)-1]) {
			continue
		}
		e := rows[i]
		e.Name, e.Department, e.City, e.Status = strings.Clone(e.Name), strings.Clone(e.Department), strings.Clone(e.City), strings.Clone(e.Status)
		t.insert(e)
	}
}

// Merge offers another TopN's employees.
func (t *TopN) Merge(o TopN) {
	t.N = max(t.N, o.N)
	for _, e := range o.Rows {
		if len(t.Rows) < t.N || earnsMore(&e, &t.Rows[len(t.Rows)-1]) {
			t.insert(e)
		}
	}
}

func (t *TopN) insert(e records.Employee) {
	i := sort.Search(len(t.Rows), func(i int) bool { return earnsMore(&e, &t.Rows[i]) })
	t.Rows = append(t.Rows, records.Employee{})
	copy(t.Rows[i+1:], t.Rows[i:])
	t.Rows[i] = e
	if len(t.Rows) > t.N {
		t.Rows = t.Rows[:t.N]
	}
}

// earnsMore reports whether a ranks before b.
func earnsMore(a, b *records.Employee) bool {
	if a.Salary != b.Salary {
		return a.Salary > b.Salary
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.Department != b.Department {
		return a.Department < b.Department
	}
	if a.City != b.City {
		return a.City < b.City
	}
	return a.ID < b.ID
}

// IsAnomaly is the original's data quality rule: a salary under 10,000 or
// over 200,000, or an age under 18 or over 70.
func IsAnomaly(e *records.Employee) bool {
	return e.Salary < 10_000_00 || e.Salary > 200_000_00 || e.Age < 18 || e.Age > 70
}
