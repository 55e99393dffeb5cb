package synth

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ReportFile is the name of the report Generate writes next to the data.
const ReportFile = "gen_report.json"

var bom = []byte("\xEF\xBB\xBF")

// Generate writes sample_data.csv, sales_data.csv and gen_report.json to
// cfg.Dir, creating it if needed, and returns the report.
func Generate(cfg Config) (Report, error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, err
	}
	if cfg.Dir == "" {
		return Report{}, fmt.Errorf("%w: no output directory", ErrUsage)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return Report{}, err
	}
	rep := Report{Seed: cfg.Seed, Dirty: cfg.Dirty, Customers: customerCount(cfg.Rows), Products: len(catalogue)}
	var err error
	if rep.Employees, err = writeFile(filepath.Join(cfg.Dir, EmployeesFile), cfg, WriteEmployees); err != nil {
		return rep, err
	}
	if rep.Sales, err = writeFile(filepath.Join(cfg.Dir, SalesFile), cfg, WriteSales); err != nil {
		return rep, err
	}
	if err := os.WriteFile(filepath.Join(cfg.Dir, ReportFile), rep.JSON(), 0o644); err != nil {
		return rep, err
	}
	return rep, nil
}

func writeFile(path string, cfg Config, write func(io.Writer, Config) (FileReport, error)) (FileReport, error) {
	f, err := os.Create(path)
	if err != nil {
		return FileReport{}, err
	}
	fr, err := write(f, cfg)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fr, fmt.Errorf("%s: %w", path, err)
	}
	return fr, nil
}

// WriteSales writes sales_data.csv for cfg (cfg.Dir is ignored) to w.
func WriteSales(w io.Writer, cfg Config) (FileReport, error) {
	if err := cfg.Validate(); err != nil {
		return FileReport{}, err
	}
	g := newSalesGen(&cfg)
	return writeCSV(w, &cfg, SalesFile, g, g.plan, cfg.Rows, SaleKinds())
}

// WriteEmployees writes sample_data.csv for cfg (cfg.Dir is ignored) to w.
func WriteEmployees(w io.Writer, cfg Config) (FileReport, error) {
	if err := cfg.Validate(); err != nil {
		return FileReport{}, err
	}
	g := newEmployeesGen(&cfg)
	return writeCSV(w, &cfg, EmployeesFile, g, g.plan, cfg.employees(), EmployeeKinds())
}

// writeCSV writes a BOM (dirty files only), the header and n rows.
func writeCSV(w io.Writer, cfg *Config, file string, g fileGen, p *plan, n int64, kinds []Kind) (FileReport, error) {
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<20)
	var st stats
	if cfg.Dirty > 0 {
		bw.Write(bom)
		st.tricky[trickyBOM] = 1
	}
	bw.WriteString(g.header())
	bw.WriteByte('\n')
	// Chunks of rows are large buffers already: with the header flushed,
	// the bufio.Writer hands them to w without copying.
	err := bw.Flush()
	var rows stats
	if err == nil {
		rows, err = writeRows(bw, g, p, n, cfg.Workers)
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	st.add(&rows)
	fr := newFileReport(file, n, kinds, &st, cw.n)
	if err == nil && (st.dups != p.dups || st.kinds != p.counts) {
		err = errors.New("internal error: rows written do not match the plan")
	}
	return fr, err
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
