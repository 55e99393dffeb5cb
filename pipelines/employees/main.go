// Command employees runs the original data_analysis.pig as a Beam pipeline:
// it reads and validates sample_data.csv and writes every employee dataset
// under <output>/pig.
package main

import (
	"flag"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/beamline/beamline/internal/job"
	"github.com/beamline/beamline/transforms/employees"
)

func main() {
	flags := job.RegisterFlags("employees", "the employee analyses of data_analysis.pig", job.Employees)
	flag.Parse()
	beam.Init()
	run := job.Start(flags)

	p, s := beam.NewPipelineWithRoot()
	rows := run.ReadEmployees(s)

	departments := employees.Group(s, rows, employees.ByDepartment)
	run.Write(s, employees.TotalEmployeesTable, employees.TotalEmployees(s, departments))
	run.Write(s, employees.DepartmentStatisticsTable, employees.DepartmentStatistics(s, departments))
	run.Write(s, employees.DepartmentSummaryReportTable, employees.DepartmentSummaryReport(s, departments))
	run.Write(s, employees.CityAnalysisTable, employees.CityAnalysis(s, rows))
	run.Write(s, employees.AgeGroupAnalysisTable, employees.AgeGroupAnalysis(s, rows))
	run.Write(s, employees.SalaryBracketAnalysisTable, employees.SalaryBracketAnalysis(s, rows))
	run.Write(s, employees.StatusAnalysisTable, employees.StatusAnalysis(s, rows))
	run.Write(s, employees.TopEarnersTable, employees.TopEarners(s, rows, 10))
	run.Write(s, employees.DataAnomaliesTable, employees.DataAnomalies(s, rows))

	run.Execute(p, s)
}
