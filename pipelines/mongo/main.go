// Command mongo runs what the original mongodb_reader.py claimed and never
// did, as a Beam pipeline: it reads and validates the MongoDB sales,
// customers and products collections and the CSV sales and employees,
// joins them into one view of the sales of both sources, and writes that
// view, the original's totals per category and a cube under <output>/spark.
// It only reads the collections: it never drops or rewrites them.
package main

import (
	"flag"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/beamline/beamline/internal/job"
	"github.com/beamline/beamline/internal/mongoio"
	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/transforms/unified"
)

// The MongoDB inputs, named like their rejects folders
// (<output>/rejects/mongo/<input>).
const (
	mongoSales     job.Input = "mongo_sales"
	mongoCustomers job.Input = "mongo_customers"
	mongoProducts  job.Input = "mongo_products"
)

func main() {
	flags := job.RegisterFlags("mongo", "the cross-platform joins and cube mongodb_reader.py claimed", job.Employees, job.Sales)
	flag.Parse()
	beam.Init()
	run := job.Start(flags)
	uri := run.RequireMongo("the mongo pipeline reads MongoDB")

	p, s := beam.NewPipelineWithRoot()
	staff := run.ReadEmployees(s)
	rows := run.ReadSales(s)

	docs, rejects := unified.ParseSales(s, mongostore.Sales, mongoio.Read(s, uri, mongostore.Sales))
	run.WriteRejects(s, mongoSales, rejects)
	customers, rejects := unified.ParseCustomers(s, mongostore.Customers, mongoio.Read(s, uri, mongostore.Customers))
	run.WriteRejects(s, mongoCustomers, rejects)
	products, rejects := unified.ParseProducts(s, mongostore.Products, mongoio.Read(s, uri, mongostore.Products))
	run.WriteRejects(s, mongoProducts, rejects)

	dims := unified.Dimensions(s, customers, products, staff)
	sales := unified.Join(s, rows, docs, dims)

	run.Write(s, unified.SalesTable, unified.Rows(s, sales))
	run.Write(s, unified.ByCategoryTable, unified.SalesByCategory(s, docs))
	run.Write(s, unified.CubeTable, unified.SalesCube(s, sales))

	run.Execute(p, s)
}
