// Command ingest is the original's load step done right: it validates the
// raw sample_data.csv and sales_data.csv found in --from, drops duplicate
// keys (the first valid occurrence wins), and writes the clean,
// standardised files into the --input root that the analyses read. Every
// rejected row goes to <output>/rejects/ingest/<employees|sales>.
//
// With --docs it also loads the MongoDB seed documents (sales*.json,
// customers*.json), validated the same way (rejects in
// <output>/rejects/ingest/mongo_<collection>), builds the products
// collection from the products of both sources and lists ids the sources
// use for different products in <output>/spark/product_conflicts.
package main

import (
	"flag"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/beamline/beamline/internal/job"
	"github.com/beamline/beamline/internal/mongoio"
	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/results"
	"github.com/beamline/beamline/transforms/ingest"
	"github.com/beamline/beamline/transforms/products"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
)

func main() {
	flags := job.RegisterFlags("ingest", "validate, de-duplicate and standardise raw inputs into the input root", job.Employees, job.Sales).WithFrom().WithDocs().WithWorkingSet(2 << 30)
	flag.Parse()
	beam.Init()
	run := job.Start(flags)

	p, s := beam.NewPipelineWithRoot()
	if run.Has(job.Employees) {
		valid, invalid := run.Read(s, job.Employees)
		clean, duplicates := ingest.DedupeEmployees(s, valid)
		run.WriteRejects(s, job.Employees, invalid, duplicates)
		run.WriteTo(s, run.InputRoot(), cleanFile("employees", "sample_data.csv", records.EmployeeColumns), clean)
	}
	var seen []beam.PCollection // product variants, for the catalogue
	if run.Has(job.Sales) {
		valid, invalid := run.Read(s, job.Sales)
		clean, duplicates := ingest.DedupeSales(s, valid)
		run.WriteRejects(s, job.Sales, invalid, duplicates)
		run.WriteTo(s, run.InputRoot(), cleanFile("sales", "sales_data.csv", records.SaleColumns), clean)
		seen = append(seen, products.FromSales(s, valid))
	}
	if uri := run.MongoURI(); len(run.Docs(mongostore.Sales))+len(run.Docs(mongostore.Customers)) > 0 {
		for _, c := range job.DocCollections {
			rejects, docSeen := mongoio.Load(s, uri, c, run.Docs(c))
			run.WriteRejects(s, job.Input("mongo_"+c), rejects)
			seen = append(seen, docSeen)
		}
		catalogue := products.Build(s, seen...)
		mongoio.WriteProducts(s, uri, catalogue)
		run.Write(s, products.ConflictsTable, products.ConflictsDataset(s, catalogue))
	}
	run.Execute(p, s)
}

// cleanFile is the output of one clean input: a single CSV file in the
// input root.
func cleanFile(name, file string, columns []string) results.Output {
	cols := make([]table.Column, len(columns))
	for i, c := range columns {
		cols[i] = table.S(c)
	}
	return results.Output{Dataset: table.Dataset{Family: "input", Name: name, Columns: cols}, Pipeline: "ingest", File: file}
}
