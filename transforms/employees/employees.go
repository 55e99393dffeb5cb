package employees

import (
	"strconv"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/decimal"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/order"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
)

// The datasets of data_analysis.pig, with the original's names and columns.
var (
	TotalEmployeesTable = table.New(table.Pig, "total_employees", "",
		table.I("total_count"))
	DepartmentStatisticsTable = table.New(table.Pig, "department_statistics", "employee_count desc, department",
		table.S("department"), table.I("employee_count"), table.M("avg_salary"), table.M("min_salary"), table.M("max_salary"), table.D("avg_age"))
	CityAnalysisTable = table.New(table.Pig, "city_analysis", "employee_count desc, city",
		table.S("city"), table.I("employee_count"), table.M("avg_salary_city"))
	AgeGroupAnalysisTable = table.New(table.Pig, "age_group_analysis", "avg_age, age_group",
		table.S("age_group"), table.I("count"), table.M("avg_salary"), table.D("avg_age"))
	SalaryBracketAnalysisTable = table.New(table.Pig, "salary_bracket_analysis", "salary_bracket (Low, Medium, High)",
		table.S("salary_bracket"), table.I("count"), table.M("avg_salary"), table.D("avg_age"))
	StatusAnalysisTable = table.New(table.Pig, "status_analysis", "count desc, status",
		table.S("status"), table.I("count"), table.M("avg_salary"), table.D("percentage"))
	TopEarnersTable = table.New(table.Pig, "top_10_earners", "salary desc, name",
		table.S("name"), table.S("department"), table.S("city"), table.M("salary"), table.I("age"))
	DepartmentSummaryReportTable = table.New(table.Pig, "department_summary_report", "employee_count desc, department",
		table.S("report"))
	DataAnomaliesTable = table.New(table.Pig, "data_anomalies", "",
		table.I("id"), table.S("name"), table.I("age"), table.S("city"), table.M("salary"), table.S("department"), table.T("hire_date"), table.S("status"))
)

func init() {
	register.Combiner3[Groups, records.EmployeeBlock, Groups](&groupFn{})
	register.Combiner3[TopN, records.EmployeeBlock, TopN](&topFn{})
	register.Function1x1(totalEmployees)
	register.Function1x1(departmentStatistics)
	register.Function1x1(departmentSummaryReport)
	register.Function1x1(cityAnalysis)
	register.Function1x1(ageGroupAnalysis)
	register.Function1x1(salaryBracketAnalysis)
	register.Function1x1(statusAnalysis)
	register.Function1x1(topEarners)
	register.Function1x1(dataAnomalies)
}

// Group computes the statistics of each group of employees under by. It
// takes PCollection<records.EmployeeBlock> and returns PCollection<Groups>
// holding one element.
func Group(s beam.Scope, employees beam.PCollection, by Grouping) beam.PCollection {
	s = s.Scope("employees.GroupBy_" + string(by))
	return beam.Combine(s, &groupFn{By: by}, employees)
}

type groupFn struct{ By Grouping }

func (f *groupFn) CreateAccumulator() Groups { return NewGroups(f.By) }

func (f *groupFn) AddInput(g Groups, b records.EmployeeBlock) Groups {
	g.ensure(f.By)
	g.AddBlock(b.Rows)
	return g
}

func (f *groupFn) MergeAccumulators(a, b Groups) Groups {
	a.ensure(f.By)
	a.Merge(b)
	return a
}

func (f *groupFn) ExtractOutput(g Groups) Groups {
	g.ensure(f.By)
	return g
}

// ensure repairs a decoded accumulator whose empty map came back nil.
func (gs *Groups) ensure(by Grouping) {
	gs.By = by
	if gs.Stats == nil {
		gs.Stats = map[string]Stats{}
	}
}

// TotalEmployees counts every employee: total_count. It takes the
// PCollection<Groups> of Group(…, ByDepartment) and returns
// PCollection<table.Chunk>.
func TotalEmployees(s beam.Scope, departments beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("employees.TotalEmployees"), totalEmployees, departments)
}

func totalEmployees(g Groups) table.Chunk {
	t := g.Total()
	return table.Chunk{Rows: [][]string{{itoa(t.Count)}}}
}

// DepartmentStatistics reports count, salary mean/min/max and mean age per
// department, largest first. It takes Group(…, ByDepartment)'s output.
func DepartmentStatistics(s beam.Scope, departments beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("employees.DepartmentStatistics"), departmentStatistics, departments)
}

func departmentStatistics(g Groups) table.Chunk {
	var c table.Chunk
	for _, d := range g.Sorted(byCountDesc) {
		c.Rows = append(c.Rows, []string{d.Key, itoa(d.Value.Count), d.Value.AvgSalary().String(), d.Value.SalaryMin.String(), d.Value.SalaryMax.String(), d.Value.AvgAge().String()})
	}
	return c
}

// DepartmentSummaryReport writes one text line per department, with the
// mean salary and age rounded to whole numbers like the original's ROUND.
// It takes Group(…, ByDepartment)'s output.
func DepartmentSummaryReport(s beam.Scope, departments beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("employees.DepartmentSummaryReport"), departmentSummaryReport, departments)
}

func departmentSummaryReport(g Groups) table.Chunk {
	var c table.Chunk
	for _, d := range g.Sorted(byCountDesc) {
		st := d.Value
		line := "Department: " + d.Key + " | Employees: " + itoa(st.Count) +
			" | Avg Salary: $" + itoa(st.AvgSalary().Round()) +
			" | Avg Age: " + itoa(roundRatio(st.AgeSum, st.Count))
		c.Rows = append(c.Rows, []string{line})
	}
	return c
}

// CityAnalysis reports the cities with more than one employee, largest
// first. It takes PCollection<records.EmployeeBlock>.
func CityAnalysis(s beam.Scope, employees beam.PCollection) beam.PCollection {
	s = s.Scope("employees.CityAnalysis")
	return beam.ParDo(s, cityAnalysis, Group(s, employees, ByCity))
}

func cityAnalysis(g Groups) table.Chunk {
	var c table.Chunk
	for _, d := range g.Sorted(byCountDesc) {
		if d.Value.Count > 1 {
			c.Rows = append(c.Rows, []string{d.Key, itoa(d.Value.Count), d.Value.AvgSalary().String()})
		}
	}
	return c
}

// AgeGroupAnalysis reports each age band, youngest mean age first. It takes
// PCollection<records.EmployeeBlock>.
func AgeGroupAnalysis(s beam.Scope, employees beam.PCollection) beam.PCollection {
	s = s.Scope("employees.AgeGroupAnalysis")
	return beam.ParDo(s, ageGroupAnalysis, Group(s, employees, ByAgeGroup))
}

func ageGroupAnalysis(g Groups) table.Chunk {
	var c table.Chunk
	for _, d := range g.Sorted(byAvgAge) {
		c.Rows = append(c.Rows, []string{d.Key, itoa(d.Value.Count), d.Value.AvgSalary().String(), d.Value.AvgAge().String()})
	}
	return c
}

// SalaryBracketAnalysis reports each salary band, low to high. It takes
// PCollection<records.EmployeeBlock>.
func SalaryBracketAnalysis(s beam.Scope, employees beam.PCollection) beam.PCollection {
	s = s.Scope("employees.SalaryBracketAnalysis")
	return beam.ParDo(s, salaryBracketAnalysis, Group(s, employees, BySalaryBracket))
}

func salaryBracketAnalysis(g Groups) table.Chunk {
	var c table.Chunk
	for _, d := range order.ByKeyIn(g.Stats, order.Listed(salaryBrackets)) {
		c.Rows = append(c.Rows, []string{d.Key, itoa(d.Value.Count), d.Value.AvgSalary().String(), d.Value.AvgAge().String()})
	}
	return c
}

// StatusAnalysis reports each status with its share of all employees — of
// the computed total, not the original's hard-coded 50. It takes
// PCollection<records.EmployeeBlock>.
func StatusAnalysis(s beam.Scope, employees beam.PCollection) beam.PCollection {
	s = s.Scope("employees.StatusAnalysis")
	return beam.ParDo(s, statusAnalysis, Group(s, employees, ByStatus))
}

func statusAnalysis(g Groups) table.Chunk {
	total := g.Total().Count
	var c table.Chunk
	for _, d := range g.Sorted(byCountDesc) {
		c.Rows = append(c.Rows, []string{d.Key, itoa(d.Value.Count), d.Value.AvgSalary().String(), decimal.Percent(d.Value.Count, total).String()})
	}
	return c
}

// TopEarners lists the n best-paid employees. It takes
// PCollection<records.EmployeeBlock>.
func TopEarners(s beam.Scope, employees beam.PCollection, n int) beam.PCollection {
	s = s.Scope("employees.TopEarners")
	return beam.ParDo(s, topEarners, beam.Combine(s, &topFn{N: n}, employees))
}

type topFn struct{ N int }

func (f *topFn) CreateAccumulator() TopN { return TopN{N: f.N} }

func (f *topFn) AddInput(t TopN, b records.EmployeeBlock) TopN {
	t.N = f.N
	t.Add(b.Rows)
	return t
}

func (f *topFn) MergeAccumulators(a, b TopN) TopN {
	a.N = f.N
	a.Merge(b)
	return a
}

func (f *topFn) ExtractOutput(t TopN) TopN { return t }

func topEarners(t TopN) table.Chunk {
	var c table.Chunk
	for _, e := range t.Rows {
		c.Rows = append(c.Rows, []string{e.Name, e.Department, e.City, e.Salary.String(), itoa(e.Age)})
	}
	return c
}

// DataAnomalies lists, in input order, the employees whose salary or age is
// implausible (IsAnomaly): the full row. It takes
// PCollection<records.EmployeeBlock>.
func DataAnomalies(s beam.Scope, employees beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("employees.DataAnomalies"), dataAnomalies, employees)
}

func dataAnomalies(b records.EmployeeBlock) table.Chunk {
	c := table.Chunk{Seq: b.Seq}
	for i := range b.Rows {
		if IsAnomaly(&b.Rows[i]) {
			c.Rows = append(c.Rows, b.Rows[i].Fields())
		}
	}
	return c
}

// roundRatio is num/den rounded half away from zero (Pig's ROUND of a mean).
func roundRatio(num, den int64) int64 {
	if den == 0 {
		return 0
	}
	return money.DivRound(num, den)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
