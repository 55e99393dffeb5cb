// Package advanced computes what the original data_processing.py meant to:
// employee performance segments, RFM, cohorts, geography, the executive
// summary, running totals and daily ranks, market baskets and ML features.
// Everything that depends on "today" takes an explicit as-of date.
package advanced

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/fold"
	"github.com/beamline/beamline/transforms/records"
)

func init() {
	fold.Register[LastSale, records.SaleBlock]()
	fold.Register[LastHire, records.EmployeeBlock]()
	register.DoFn3x1[[]byte, LastSale, LastHire, Today](&asOfFn{})
	register.Function1x1(formatDate)
}

// Today is the as-of date, as a PCollection element (a bare named integer
// type does not survive Beam's coders).
type Today struct {
	Date calendar.Date
}

// Given is the as-of date from the command line, if any. The analyses of
// the customer table resolve the default themselves (Resolve), so that
// their stage needs no side input.
type Given struct {
	Date calendar.Date
	Set  bool
}

// Resolve returns the given date, or else AsOf's default for sales whose
// latest sale_date is latest: the day after.
func (g Given) Resolve(latest calendar.Date) calendar.Date {
	if g.Set {
		return g.Date
	}
	return latest + 1
}

// Latest is the latest date seen, if any.
type Latest struct {
	Seen bool
	Date calendar.Date
}

// See notes one date.
func (l *Latest) See(d calendar.Date) {
	if !l.Seen || d > l.Date {
		l.Seen, l.Date = true, d
	}
}

// LastSale is the latest sale_date seen.
type LastSale struct{ Latest }

// Add looks at a block's sale dates.
func (l *LastSale) Add(b records.SaleBlock) {
	for i := range b.Rows {
		l.See(b.Rows[i].SaleDate)
	}
}

// Merge keeps the later date.
func (l *LastSale) Merge(o LastSale) {
	if o.Seen {
		l.See(o.Date)
	}
}

// LastHire is the latest hire_date seen.
type LastHire struct{ Latest }

// Add looks at a block's hire dates.
func (l *LastHire) Add(b records.EmployeeBlock) {
	for i := range b.Rows {
		l.See(b.Rows[i].HireDate)
	}
}

// Merge keeps the later date.
func (l *LastHire) Merge(o LastHire) {
	if o.Seen {
		l.See(o.Date)
	}
}

// AsOf returns PCollection<Today> holding the date "today" means for the
// analyses: fixed when given (--as-of), else the day after the latest
// sale_date, so that results are reproducible; with no valid sale at all,
// the day after the latest hire_date. It takes PCollection<SaleBlock> and
// PCollection<EmployeeBlock>.
func AsOf(s beam.Scope, fixed calendar.Date, hasFixed bool, sales, employees beam.PCollection) beam.PCollection {
	s = s.Scope("advanced.AsOf")
	if hasFixed {
		return beam.Create(s, Today{fixed})
	}
	lastSale := fold.Over[LastSale, records.SaleBlock](s, LastSale{}, sales)
	lastHire := fold.Over[LastHire, records.EmployeeBlock](s, LastHire{}, employees)
	return beam.ParDo(s, &asOfFn{}, beam.Impulse(s), beam.SideInput{Input: lastSale}, beam.SideInput{Input: lastHire})
}

// FormatDate turns PCollection<Today> into PCollection<string>.
func FormatDate(s beam.Scope, dates beam.PCollection) beam.PCollection {
	return beam.ParDo(s, formatDate, dates)
}

func formatDate(d Today) string { return d.Date.String() }

type asOfFn struct{}

func (asOfFn) ProcessElement(_ []byte, sale LastSale, hire LastHire) Today {
	switch {
	case sale.Seen:
		return Today{sale.Date + 1}
	case hire.Seen:
		return Today{hire.Date + 1}
	}
	return Today{}
}
