// Package table defines the results contract every analysis writes to: a
// dataset is a named table with typed columns, stored as part files under
// <output>/<family>/<name>/. The sink, the publisher and the API all read
// datasets through these definitions.
package table

import (
	"strings"
)

// Kind is a column's type. Values are written as text; Kind tells readers
// how to type them (the API returns numbers as JSON numbers).
type Kind string

// Column kinds and how their values are written.
const (
	String  Kind = "string"  // UTF-8 text
	Int     Kind = "int"     // an integer
	Money   Kind = "money"   // exactly two decimals, rounded half away from zero
	Decimal Kind = "decimal" // up to four decimals, rounded half away from zero, no trailing zeros
	Date    Kind = "date"    // yyyy-MM-dd
	Bool    Kind = "bool"    // true or false
)

// Numeric reports whether values of kind k are numbers.
func (k Kind) Numeric() bool { return k == Int || k == Money || k == Decimal }

// Column is one column of a dataset.
type Column struct {
	Name string `json:"name"`
	Kind Kind   `json:"type"`
}

// Dataset families: the folder a dataset is written under.
const (
	Pig     = "pig"     // the original Pig scripts' outputs (employees, sales)
	Spark   = "spark"   // the original Spark jobs' outputs (advanced, mongo)
	Rejects = "rejects" // rows that failed validation, per pipeline
)

// Dataset describes one output table.
type Dataset struct {
	Family string
	Name   string
	// Pipeline names the pipeline whose rejects a Rejects dataset holds.
	Pipeline string
	Columns  []Column
	// Order describes the row order ("revenue desc, region") of a dataset
	// written as one ordered part file; empty for unordered datasets, whose
	// parts each keep input order.
	Order string
	// Dynamic datasets have columns that depend on the data (one per
	// category, say): Columns is the fixed leading part, and each chunk
	// carries the full list.
	Dynamic bool
}

// New returns a dataset of family with the given columns.
func New(family, name, order string, cols ...Column) Dataset {
	return Dataset{Family: family, Name: name, Order: order, Columns: cols}
}

// Column constructors, for compact dataset definitions.
func S(name string) Column { return Column{name, String} }
func I(name string) Column { return Column{name, Int} }
func M(name string) Column { return Column{name, Money} }
func D(name string) Column { return Column{name, Decimal} }
func T(name string) Column { return Column{name, Date} }
func B(name string) Column { return Column{name, Bool} }

// Path is the dataset's folder relative to the output root:
// pig/<name>, spark/<name> or rejects/<pipeline>/<name>.
func (d Dataset) Path() string {
	if d.Family == Rejects {
		return Rejects + "/" + d.Pipeline + "/" + d.Name
	}
	return d.Family + "/" + d.Name
}

// Header returns the column names.
func (d Dataset) Header() []string {
	h := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		h[i] = c.Name
	}
	return h
}

// String returns the dataset's path, for messages.
func (d Dataset) String() string { return d.Path() }

// Chunk is a batch of rows of one dataset, already formatted as CSV: the
// element a sink writes. Chunks with the same Source go to the same part
// file; Seq orders the part files. Build chunks with a Builder.
type Chunk struct {
	Seq    int64
	Source string
	Rows   int64
	// CSV holds the rows as RFC 4180 records, each ending in '\n', without
	// a header.
	CSV []byte
	// Columns, for a Dynamic dataset, are the chunk's full columns.
	Columns []Column
	// Wire, when set, is the chunk's encoded form, of which CSV is the
	// start: the Builder lays it out so that encoding costs nothing.
	Wire []byte
}

// RejectsDataset is the dataset holding a pipeline's rejected rows of one
// input (employees or sales): line, reason, raw.
func RejectsDataset(pipeline, input string) Dataset {
	return Dataset{
		Family: Rejects, Pipeline: pipeline, Name: input, Order: "line",
		Columns: []Column{I("line"), S("reason"), S("raw")},
	}
}

// ValidName reports whether s can name a dataset or pipeline: lower-case
// letters, digits and '_' only, so that a name never escapes its folder.
func ValidName(s string) bool {
	if s == "" {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
	}) < 0
}
