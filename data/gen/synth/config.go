package synth

import (
	"errors"
	"fmt"
	"math"
)

// Config says what to generate. The same Config always gives the same bytes.
type Config struct {
	// Dir is the output directory, created if needed (Generate only).
	Dir string
	// Rows is the number of data rows in sales_data.csv, bad rows included.
	Rows int64
	// Employees is the number of data rows in sample_data.csv; 0 means
	// DefaultEmployees(Rows).
	Employees int64
	// Seed selects the data; any value, 1 by convention.
	Seed uint64
	// Dirty is the share of bad rows in each file, in [0, 1). At 0 the
	// files are clean and plain (LF endings, no BOM).
	Dirty float64
	// Workers formats rows in parallel; 0 means GOMAXPROCS. The output does
	// not depend on it.
	Workers int
}

// DefaultEmployees is the employee count for a sales file of rows rows:
// max(50, rows/10).
func DefaultEmployees(rows int64) int64 { return max(50, rows/10) }

// ErrUsage marks a Config that cannot be generated: a command-line tool
// reports it as bad usage.
var ErrUsage = errors.New("bad configuration")

// Validate checks the sizes and the dirty rate; errors wrap ErrUsage.
func (c *Config) Validate() error {
	switch {
	case c.Rows < 0:
		return fmt.Errorf("%w: rows must be >= 0, got %d", ErrUsage, c.Rows)
	case c.Employees < 0:
		return fmt.Errorf("%w: employees must be >= 0, got %d", ErrUsage, c.Employees)
	case math.IsNaN(c.Dirty) || c.Dirty < 0 || c.Dirty >= 1:
		return fmt.Errorf("%w: dirty rate must be in [0, 1), got %v", ErrUsage, c.Dirty)
	case c.Workers < 0:
		return fmt.Errorf("%w: workers must be >= 0, got %d", ErrUsage, c.Workers)
	}
	return nil
}

// employees is the employee row count, the default applied.
func (c *Config) employees() int64 {
	if c.Employees == 0 {
		return DefaultEmployees(c.Rows)
	}
	return c.Employees
}
