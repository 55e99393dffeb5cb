package employees

import (
	"testing"

	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
)

func emp(id int64, name string, age int64, salary money.Cents, dept string) records.Employee {
	return records.Employee{ID: id, Name: name, Age: age, City: "City", Salary: salary, Department: dept, Status: "Active"}
}

func TestBands(t *testing.T) {
	for age, want := range map[int64]string{29: "Young (< 30)", 30: "Middle (30-39)", 39: "Middle (30-39)", 40: "Senior (40+)"} {
		if got := AgeGroup(age); got != want {
			t.Errorf("AgeGroup(%d) = %q", age, got)
		}
	}
	for s, want := range map[money.Cents]string{59_999_99: "Low (< 60K)", 60_000_00: "Medium (60K-80K)", 79_999_99: "Medium (60K-80K)", 80_000_00: "High (80K+)"} {
		if got := SalaryBracket(s); got != want {
			t.Errorf("SalaryBracket(%s) = %q", s, got)
		}
	}
}

func TestStatsMergeInAnyOrder(t *testing.T) {
	rows := []records.Employee{emp(1, "A", 30, 50_000_00, "X"), emp(2, "B", 41, 70_000_00, "X"), emp(3, "C", 25, 60_000_00, "Y")}
	whole := Groups{By: ByDepartment}
	whole.Add(records.EmployeeBlock{Rows: rows})
	a, b := Groups{By: ByDepartment}, Groups{By: ByDepartment}
	a.Add(records.EmployeeBlock{Rows: rows[1:]})
	b.Add(records.EmployeeBlock{Rows: rows[:1]})
	b.Merge(a)
	x := b.Stats["X"]
	if x != whole.Stats["X"] || x.Count != 2 || x.SalaryMin != 50_000_00 || x.SalaryMax != 70_000_00 || x.AvgAge().String() != "35.5" {
		t.Errorf("X %+v vs %+v", x, whole.Stats["X"])
	}
}

func TestTopNIsDeterministicOnTies(t *testing.T) {
	var top TopN
	top.N = 2
	top.Add(records.EmployeeBlock{Rows: []records.Employee{emp(1, "Zed", 30, 90_000_00, "X"), emp(2, "Amy", 30, 90_000_00, "X")}})
	var other TopN
	other.N = 2
	other.Add(records.EmployeeBlock{Rows: []records.Employee{emp(3, "Bob", 30, 95_000_00, "X"), emp(4, "Aaron", 30, 80_000_00, "X")}})
	top.Merge(other)
	if len(top.Rows) != 2 || top.Rows[0].Name != "Bob" || top.Rows[1].Name != "Amy" {
		t.Errorf("top %+v", top.Rows)
	}
}

func TestAnomalyRule(t *testing.T) {
	for _, tt := range []struct {
		age    int64
		salary money.Cents
		want   bool
	}{{30, 50_000_00, false}, {17, 50_000_00, true}, {71, 50_000_00, true}, {18, 10_000_00, false}, {30, 9_999_99, true}, {70, 200_000_01, true}} {
		e := emp(1, "A", tt.age, tt.salary, "X")
		if IsAnomaly(&e) != tt.want {
			t.Errorf("IsAnomaly(age %d, salary %s) != %v", tt.age, tt.salary, tt.want)
		}
	}
}

func TestDepartmentSummaryRoundsLikePig(t *testing.T) {
	g := Groups{By: ByDepartment}
	// Mean salary 80230.77 → $80231; mean age 36.5 → 37 (half away from zero).
	g.Add(records.EmployeeBlock{Rows: []records.Employee{emp(1, "A", 36, 80_230_77, "M"), emp(2, "B", 37, 80_230_77, "M")}})
	rows, _ := departmentSummaryReport(g).Records()
	if got := rows[0][0]; got != "Department: M | Employees: 2 | Avg Salary: $80231 | Avg Age: 37" {
		t.Errorf("report %q", got)
	}
}
