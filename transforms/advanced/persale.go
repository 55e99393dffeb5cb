package advanced

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/fold"
	"github.com/beamline/beamline/transforms/ordered"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
)

func init() {
	register.DoFn6x1[beam.EventTime, records.SaleBlock, FirstMonths, DayRanks, func(beam.EventTime, table.Chunk), func(beam.EventTime, table.Chunk), error](&perSaleFn{})
	register.Emitter2[beam.EventTime, table.Chunk]()
}

// PerSale computes the datasets that tag every sale with figures over all
// sales: cohort_analysis (the customer's first month, from the customer
// table) and sales_trends (the running total and the rank within the day).
// Those figures need every sale first, so the sales are read a second time;
// one second read feeds both, its blocks formatted in parallel. It takes
// PCollection<records.SaleBlock> and the PCollection<customers.Table>, and
// returns the two datasets' chunks, one per block each.
func PerSale(s beam.Scope, sales, buyers beam.PCollection) (cohort, trends beam.PCollection) {
	s = s.Scope("advanced.PerSale")
	first := beam.ParDo(s, firstMonths, buyers)
	ranks := beam.ParDo(s, dayRanks, fold.Over[DayAmounts, records.SaleBlock](s, DayAmounts{}, sales))
	return beam.ParDo2(s, &perSaleFn{}, sales, beam.SideInput{Input: first}, beam.SideInput{Input: ranks})
}

// tagged is one block's rows of both datasets.
type tagged struct{ cohort, trends table.Chunk }

type perSaleFn struct {
	pool *ordered.Pool[records.SaleBlock, tagged]
}

func (f *perSaleFn) StartBundle(first FirstMonths, ranks DayRanks, _, _ func(beam.EventTime, table.Chunk)) {
	f.pool = ordered.NewPool(func(b records.SaleBlock) (tagged, error) {
		return tagged{cohortRows(&b, &first), trendRows(&b, &ranks)}, nil
	})
}

func (f *perSaleFn) ProcessElement(ts beam.EventTime, b records.SaleBlock, _ FirstMonths, _ DayRanks, cohort, trends func(beam.EventTime, table.Chunk)) error {
	return f.pool.Put(ts, b, emitTagged(cohort, trends))
}

func (f *perSaleFn) FinishBundle(_ FirstMonths, _ DayRanks, cohort, trends func(beam.EventTime, table.Chunk)) error {
	return f.pool.Finish(emitTagged(cohort, trends))
}

func emitTagged(cohort, trends func(beam.EventTime, table.Chunk)) func(beam.EventTime, tagged) {
	return func(ts beam.EventTime, t tagged) {
		cohort(ts, t.cohort)
		trends(ts, t.trends)
	}
}
