package advanced

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/customers"
	"github.com/beamline/beamline/transforms/employees"
	"github.com/beamline/beamline/transforms/sales"
	"github.com/beamline/beamline/transforms/table"
)

// ExecutiveSummaryTable is the original's executive_summary: one metric per
// row — without the original's duplicated header row.
var ExecutiveSummaryTable = table.New(table.Spark, "executive_summary", "as listed (HR, then Sales)",
	table.S("metric"), table.S("value"), table.S("type"))

func init() {
	register.Function4x1(executiveSummary)
}

// ExecutiveSummary reports headline HR and sales figures. It takes
// employees.Group(…, ByDepartment) and (…, ByCity), sales.Group(…,
// ByProductID) and the customers.Counts, each one element.
func ExecutiveSummary(s beam.Scope, departments, cities, products, counts beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("advanced.ExecutiveSummary"), executiveSummary, departments,
		beam.SideInput{Input: cities}, beam.SideInput{Input: products}, beam.SideInput{Input: counts})
}

func executiveSummary(depts, cities employees.Groups, products sales.Groups, counts customers.Counts) table.Chunk {
	hr := depts.Total()
	sold := products.Total()
	b := table.NewBuilder(ExecutiveSummaryTable)
	b.Row("Total Employees", itoa(hr.Count), "HR")
	b.Row("Average Salary", "$"+hr.AvgSalary().String(), "HR")
	b.Row("Departments", itoa(int64(len(depts.Stats))), "HR")
	b.Row("Cities", itoa(int64(len(cities.Stats))), "HR")
	b.Row("Total Transactions", itoa(sold.Transactions), "Sales")
	b.Row("Total Revenue", "$"+sold.Revenue.String(), "Sales")
	b.Row("Average Transaction", "$"+sold.AvgTransaction().String(), "Sales")
	b.Row("Unique Customers", itoa(counts.Customers), "Sales")
	b.Row("Unique Products", itoa(int64(len(products.Totals))), "Sales")
	return b.Chunk(0)
}
