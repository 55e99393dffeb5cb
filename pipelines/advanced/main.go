// Command advanced runs what the original data_processing.py meant to do as
// a Beam pipeline: it reads and validates sample_data.csv and
// sales_data.csv and writes every Spark dataset under <output>/spark.
package main

import (
	"flag"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/beamline/beamline/internal/job"
	"github.com/beamline/beamline/transforms/advanced"
	"github.com/beamline/beamline/transforms/customers"
	"github.com/beamline/beamline/transforms/employees"
	"github.com/beamline/beamline/transforms/sales"
)

func main() {
	flags := job.RegisterFlags("advanced", "the Spark analyses of data_processing.py", job.Employees, job.Sales).WithAsOf().WithWorkingSet(2 << 30)
	flag.Parse()
	beam.Init()
	run := job.Start(flags)

	p, s := beam.NewPipelineWithRoot()
	staff := run.ReadEmployees(s)
	rows := run.ReadSales(s)
	fixed, given := run.AsOf()
	asOf := advanced.AsOf(s, fixed, given, rows, staff)
	givenAsOf := advanced.Given{Date: fixed, Set: given}
	run.Param(s, "as_of", advanced.FormatDate(s, asOf))

	buyers := customers.Build(s, rows, customers.Categories|customers.Products|customers.RegionCategory)
	distinct := customers.Distinct(s, buyers)

	performance, top := advanced.EmployeePerformance(s, staff, asOf)
	run.Write(s, advanced.EmployeePerformanceTable, performance)
	run.Write(s, advanced.TopPerformersTable, top)
	run.Write(s, advanced.RFMTable, advanced.RFMAnalysis(s, buyers, givenAsOf))
	run.Write(s, advanced.GeographyTable, advanced.GeographicAnalysis(s, rows, distinct))
	run.Write(s, advanced.ExecutiveSummaryTable, advanced.ExecutiveSummary(s,
		employees.Group(s, staff, employees.ByDepartment), employees.Group(s, staff, employees.ByCity),
		sales.Group(s, rows, sales.ByProductID), distinct))
	cohort, trends := advanced.PerSale(s, rows, buyers)
	run.Write(s, advanced.CohortTable, cohort)
	run.Write(s, advanced.TrendsTable, trends)
	run.Write(s, advanced.BasketTable, advanced.MarketBasket(s, buyers))
	run.Write(s, advanced.PairsTable, advanced.ProductPairs(s, buyers, 100))
	run.Write(s, advanced.FeaturesTable, advanced.MLFeatures(s, buyers, givenAsOf))

	run.Execute(p, s)
}
