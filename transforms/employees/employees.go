package employees

import (
	"strconv"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/decimal"
	"github.com/beamline/beamline/transforms/fold"
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
		table.S("department"), table.I("employee_count"), table.M("avg_salary"), table.M("min_salary"), table.M("max_salary"), table.D("avg_age"),
		table.M("total_salary")) // added: the exact sum the API's department_analysis reports
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
	fold.Register[Groups, records.EmployeeBlock]()
	fold.Register[TopN, records.EmployeeBlock]()
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
	return fold.Over[Groups, records.EmployeeBlock](s.Scope("employees.GroupBy_"+string(by)), Groups{By: by}, employees)
}

// TotalEmployees counts every employee: total_count. It takes the
// PCollection<Groups> of Group(…, ByDepartment) and returns
// PCollection<table.Chunk>.
func TotalEmployees(s beam.Scope, departments beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("employees.TotalEmployees"), totalEmployees, departments)
}

func totalEmployees(g Groups) table.Chunk {
	b := table.NewBuilder(TotalEmployeesTable)
	t := g.Total()
	b.Int(t.Count).End()
	return b.Chunk(0)
}

// DepartmentStatistics reports count, salary mean/min/max, mean age and
// the salary total per department, largest first. It takes Group(…, ByDepartment)'s output.
func DepartmentStatistics(s beam.Scope, departments beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("employees.DepartmentStatistics"), departmentStatistics, departments)
}

func departmentStatistics(g Groups) table.Chunk {
	b := table.NewBuilder(DepartmentStatisticsTable)
	for _, d := range g.Sorted(byCountDesc) {
		st := &d.Value
		b.Text(d.Key).Int(st.Count).Money(st.AvgSalary()).Money(st.SalaryMin).Money(st.SalaryMax).Fixed(st.AvgAge()).Money(st.SalarySum).End()
	}
	return b.Chunk(0)
}

// DepartmentSummaryReport writes one text line per department, with the
// mean salary and age rounded to whole numbers like the original's ROUND.
// It takes Group(…, ByDepartment)'s output.
func DepartmentSummaryReport(s beam.Scope, departments beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("employees.DepartmentSummaryReport"), departmentSummaryReport, departments)
}

func departmentSummaryReport(g Groups) table.Chunk {
	b := table.NewBuilder(DepartmentSummaryReportTable)
	for _, d := range g.Sorted(byCountDesc) {
		st := d.Value
		b.Text("Department: " + d.Key + " | Employees: " + itoa(st.Count) +
			" | Avg Salary: $" + itoa(st.AvgSalary().Round()) +
			" | Avg Age: " + itoa(money.DivRound(st.AgeSum, st.Count))).End()
	}
	return b.Chunk(0)
}

// CityAnalysis reports the cities with more than one employee, largest
// first. It takes PCollection<records.EmployeeBlock>.
func CityAnalysis(s beam.Scope, employees beam.PCollection) beam.PCollection {
	s = s.Scope("employees.CityAnalysis")
	return beam.ParDo(s, cityAnalysis, Group(s, employees, ByCity))
}

func cityAnalysis(g Groups) table.Chunk {
	b := table.NewBuilder(CityAnalysisTable)
	for _, d := range g.Sorted(byCountDesc) {
		if d.Value.Count > 1 {
			b.Text(d.Key).Int(d.Value.Count).Money(d.Value.AvgSalary()).End()
		}
	}
	return b.Chunk(0)
}

// AgeGroupAnalysis reports each age band, youngest mean age first. It takes
// PCollection<records.EmployeeBlock>.
func AgeGroupAnalysis(s beam.Scope, employees beam.PCollection) beam.PCollection {
	s = s.Scope("employees.AgeGroupAnalysis")
	return beam.ParDo(s, ageGroupAnalysis, Group(s, employees, ByAgeGroup))
}

func ageGroupAnalysis(g Groups) table.Chunk {
	b := table.NewBuilder(AgeGroupAnalysisTable)
	for _, d := range g.Sorted(byAvgAge) {
		b.Text(d.Key).Int(d.Value.Count).Money(d.Value.AvgSalary()).Fixed(d.Value.AvgAge()).End()
	}
	return b.Chunk(0)
}

// SalaryBracketAnalysis reports each salary band, low to high. It takes
// PCollection<records.EmployeeBlock>.
func SalaryBracketAnalysis(s beam.Scope, employees beam.PCollection) beam.PCollection {
	s = s.Scope("employees.SalaryBracketAnalysis")
	return beam.ParDo(s, salaryBracketAnalysis, Group(s, employees, BySalaryBracket))
}

func salaryBracketAnalysis(g Groups) table.Chunk {
	b := table.NewBuilder(SalaryBracketAnalysisTable)
	for _, d := range order.ByKeyIn(g.Stats, order.Listed(salaryBrackets)) {
		b.Text(d.Key).Int(d.Value.Count).Money(d.Value.AvgSalary()).Fixed(d.Value.AvgAge()).End()
	}
	return b.Chunk(0)
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
	b := table.NewBuilder(StatusAnalysisTable)
	for _, d := range g.Sorted(byCountDesc) {
		b.Text(d.Key).Int(d.Value.Count).Money(d.Value.AvgSalary()).Fixed(decimal.Percent(d.Value.Count, total)).End()
	}
	return b.Chunk(0)
}

// TopEarners lists the n best-paid employees. It takes
// PCollection<records.EmployeeBlock>.
func TopEarners(s beam.Scope, employees beam.PCollection, n int) beam.PCollection {
	s = s.Scope("employees.TopEarners")
	return beam.ParDo(s, topEarners, fold.Over[TopN, records.EmployeeBlock](s, TopN{N: n}, employees))
}

func topEarners(t TopN) table.Chunk {
	b := table.NewBuilder(TopEarnersTable)
	for _, e := range t.Rows {
		b.Text(e.Name).Text(e.Department).Text(e.City).Money(e.Salary).Int(e.Age).End()
	}
	return b.Chunk(0)
}

// DataAnomalies lists, in input order, the employees whose salary or age is
// implausible (IsAnomaly): the full row. It takes
// PCollection<records.EmployeeBlock>.
func DataAnomalies(s beam.Scope, employees beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("employees.DataAnomalies"), dataAnomalies, employees)
}

func dataAnomalies(blk records.EmployeeBlock) table.Chunk {
	b := table.NewBuilder(DataAnomaliesTable)
	for i := range blk.Rows {
		if e := &blk.Rows[i]; IsAnomaly(e) {
			b.Int(e.ID).Text(e.Name).Int(e.Age).Text(e.City).Money(e.Salary).Text(e.Department).Date(e.HireDate).Text(e.Status).End()
		}
	}
	return b.Chunk(blk.Seq)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
