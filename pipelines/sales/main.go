// Command sales runs the original sales_analysis.pig as a Beam pipeline: it
// reads and validates sales_data.csv and writes every sales dataset under
// <output>/pig.
package main

import (
	"flag"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/beamline/beamline/internal/job"
	"github.com/beamline/beamline/transforms/customers"
	"github.com/beamline/beamline/transforms/sales"
)

func main() {
	flags := job.RegisterFlags("sales", "the sales analyses of sales_analysis.pig", job.Sales)
	flag.Parse()
	beam.Init()
	run := job.Start(flags)

	p, s := beam.NewPipelineWithRoot()
	rows := run.ReadSales(s)

	buyers := customers.Build(s, rows, customers.Regions|customers.Salespeople)
	distinct := customers.Distinct(s, buyers)
	daily := sales.Group(s, rows, sales.ByDate)

	run.Write(s, sales.KPITable, sales.GlobalKPI(s, daily, distinct))
	run.Write(s, sales.ByCategoryTable, sales.SalesByCategory(s, rows))
	run.Write(s, sales.ByRegionTable, sales.SalesByRegion(s, rows, distinct))
	run.Write(s, sales.SalespersonTable, sales.SalespersonPerformance(s, rows, distinct))
	run.Write(s, sales.DailyTable, sales.DailyTrend(s, daily))
	run.Write(s, sales.MonthlyTable, sales.MonthlyTrend(s, daily))
	run.Write(s, sales.TopProductsTable, sales.TopProducts(s, rows, 10))
	run.Write(s, sales.VIPTable, sales.VIPCustomers(s, buyers, sales.VIPMinOrders))
	run.Write(s, sales.BasketTable, sales.BasketAnalysis(s, rows))
	run.Write(s, sales.ExecutiveTable, sales.ExecutiveSummary(s, daily))
	run.Write(s, sales.AnomaliesTable, sales.Anomalies(s, rows))

	run.Execute(p, s)
}
