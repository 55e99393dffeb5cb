// Package advanced computes what the original data_processing.py meant to:
// employee performance segments, RFM, cohorts, geography, the executive
// summary, running totals and daily ranks, market baskets and ML features.
// Everything that depends on "today" takes an explicit as-of date.
package advanced

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/records"
)

func init() {
	register.Combiner3[latest, records.SaleBlock, latest](&latestSaleFn{})
	register.Combiner3[latest, records.EmployeeBlock, latest](&latestHireFn{})
	register.DoFn3x1[[]byte, latest, latest, Today](&asOfFn{})
	register.Function1x1(formatDate)
}

// Today is the as-of date, as a PCollection element (a bare named integer
// type does not survive Beam's coders).
type Today struct {
	Date calendar.Date
}

// latest is the latest date seen, if any.
type latest struct {
	Seen bool
	Date calendar.Date
}

func (l latest) merge(o latest) latest {
	if o.Seen && (!l.Seen || o.Date > l.Date) {
		return o
	}
	return l
}

// AsOf returns PCollection<Today> holding the date "today" means for
// the analyses: fixed when given (--as-of), else the day after the latest
// sale_date, so that results are reproducible; with no valid sale at all,
// the day after the latest hire_date. It takes PCollection<SaleBlock> and
// PCollection<EmployeeBlock>.
func AsOf(s beam.Scope, fixed calendar.Date, hasFixed bool, sales, employees beam.PCollection) beam.PCollection {
	s = s.Scope("advanced.AsOf")
	if hasFixed {
		return beam.Create(s, Today{fixed})
	}
	lastSale := beam.Combine(s, &latestSaleFn{}, sales)
	lastHire := beam.Combine(s, &latestHireFn{}, employees)
	return beam.ParDo(s, &asOfFn{}, beam.Impulse(s), beam.SideInput{Input: lastSale}, beam.SideInput{Input: lastHire})
}

// FormatDate turns PCollection<Today> into PCollection<string>.
func FormatDate(s beam.Scope, dates beam.PCollection) beam.PCollection {
	return beam.ParDo(s, formatDate, dates)
}

func formatDate(d Today) string { return d.Date.String() }

type latestSaleFn struct{}

func (latestSaleFn) CreateAccumulator() latest { return latest{} }
func (latestSaleFn) AddInput(l latest, b records.SaleBlock) latest {
	for i := range b.Rows {
		if !l.Seen || b.Rows[i].SaleDate > l.Date {
			l = latest{true, b.Rows[i].SaleDate}
		}
	}
	return l
}
func (latestSaleFn) MergeAccumulators(a, b latest) latest { return a.merge(b) }
func (latestSaleFn) ExtractOutput(l latest) latest        { return l }

type latestHireFn struct{}

func (latestHireFn) CreateAccumulator() latest { return latest{} }
func (latestHireFn) AddInput(l latest, b records.EmployeeBlock) latest {
	for i := range b.Rows {
		if !l.Seen || b.Rows[i].HireDate > l.Date {
			l = latest{true, b.Rows[i].HireDate}
		}
	}
	return l
}
func (latestHireFn) MergeAccumulators(a, b latest) latest { return a.merge(b) }
func (latestHireFn) ExtractOutput(l latest) latest        { return l }

type asOfFn struct{}

func (asOfFn) ProcessElement(_ []byte, sale, hire latest) Today {
	switch {
	case sale.Seen:
		return Today{sale.Date + 1}
	case hire.Seen:
		return Today{hire.Date + 1}
	}
	return Today{}
}
