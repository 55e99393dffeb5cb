// Command gen writes realistic, deterministic test inputs for beamline:
// sample_data.csv (employees) and sales_data.csv (sales), optionally with
// bad rows of every kind the reader and validator reject, and a report of
// what it injected (gen_report.json).
//
//	go run ./data/gen --rows 1000000 --seed 1 --dirty 0.05 --out /tmp/data
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/beamline/beamline/data/gen/synth"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run parses args, generates, and returns the exit status: 0, 1 when
// writing fails, 2 on bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg synth.Config
	fs.Int64Var(&cfg.Rows, "rows", 1000, "number of data rows in sales_data.csv, bad rows included")
	fs.Int64Var(&cfg.Employees, "employees", 0, "number of data rows in sample_data.csv (0: max(50, rows/10))")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed: the same flags and seed give byte-identical files")
	fs.Float64Var(&cfg.Dirty, "dirty", 0, "share of bad rows in each file, in [0, 1); > 0 also adds duplicates, tricky valid rows and a BOM")
	fs.StringVar(&cfg.Dir, "out", "", "output directory, created if needed (required)")
	docs := fs.Int64("docs", 0, "also write N MongoDB sales documents (and their customers) as Extended JSON into DIR/mongo, for ingest --docs; --dirty makes that share of them bad")
	fs.IntVar(&cfg.Workers, "workers", 0, "rows formatted in parallel (0: one per CPU); the output does not depend on it")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: go run ./data/gen --out DIR [--rows N] [--employees M] [--seed S] [--dirty RATE]

Writes DIR/%s (employees), DIR/%s (sales) and DIR/%s
(how many bad rows of each kind were injected). Rows are realistic and a
pure function of the flags: the same flags give byte-identical files.
Exit status: 0 on success, 1 if writing fails, 2 on bad usage.

Flags (-name or --name):
`, synth.EmployeesFile, synth.SalesFile, synth.ReportFile)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usage := func(msg string) int {
		fmt.Fprintf(stderr, "gen: %s\nRun 'gen --help' for usage.\n", msg)
		return 2
	}
	if fs.NArg() > 0 {
		return usage(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if cfg.Dir == "" {
		return usage("--out is required")
	}
	if err := cfg.Validate(); err != nil {
		return usage(err.Error())
	}
	rep, err := synth.Generate(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		if errors.Is(err, synth.ErrUsage) {
			return 2
		}
		return 1
	}
	if err := rep.WriteTable(stdout); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(cfg.Dir, synth.ReportFile))
	if *docs > 0 {
		dr, err := synth.WriteDocs(cfg.Dir, *docs, cfg.Seed, cfg.Dirty)
		if err != nil {
			fmt.Fprintf(stderr, "gen: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s: %d sales documents (%d bad), %d customers (%d bad)\n",
			filepath.Join(cfg.Dir, synth.DocsDir), dr.Sales, dr.BadSales, dr.Customers, dr.BadCustomers)
	}
	return 0
}
