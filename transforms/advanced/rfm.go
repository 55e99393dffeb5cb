package advanced

import (
	"strconv"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/customers"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/table"
)

// RFMTable is the RFM analysis, one row per customer (by customer_id).
var RFMTable = table.New(table.Spark, "customer_rfm_analysis", "customer_id",
	table.S("customer_id"), table.S("customer_name"), table.T("last_purchase_date"), table.I("frequency"),
	table.M("monetary_value"), table.M("avg_order_value"), table.I("recency_days"),
	table.I("r_score"), table.I("f_score"), table.I("m_score"), table.I("rfm_score"), table.S("customer_segment"))

func init() {
	register.DoFn1x1[customers.Table, table.Chunk](&rfmFn{})
}

// RFM scores a customer like the original: recency (days since the last
// purchase at the as-of date) ≤ 7 → 3, ≤ 14 → 2, else 1; frequency ≥ 3 → 3,
// ≥ 2 → 2, else 1; monetary ≥ 1000 → 3, ≥ 500 → 2, else 1.
func RFM(recencyDays, frequency int64, monetary money.Cents) (r, f, m int64) {
	r, f, m = 1, 1, 1
	switch {
	case recencyDays <= 7:
		r = 3
	case recencyDays <= 14:
		r = 2
	}
	switch {
	case frequency >= 3:
		f = 3
	case frequency >= 2:
		f = 2
	}
	switch {
	case monetary >= 1000_00:
		m = 3
	case monetary >= 500_00:
		m = 2
	}
	return r, f, m
}

// CustomerSegment names an RFM score (3..9).
func CustomerSegment(score int64) string {
	switch {
	case score >= 8:
		return "Champions"
	case score >= 6:
		return "Loyal Customers"
	case score >= 4:
		return "Potential Loyalists"
	}
	return "New Customers"
}

// RFMAnalysis scores every customer at the as-of date (given, or the day
// after the latest purchase). It takes PCollection<customers.Table>.
func RFMAnalysis(s beam.Scope, buyers beam.PCollection, asOf Given) beam.PCollection {
	return beam.ParDo(s.Scope("advanced.RFMAnalysis"), &rfmFn{AsOf: asOf}, buyers)
}

type rfmFn struct{ AsOf Given }

func (f *rfmFn) ProcessElement(t customers.Table) table.Chunk {
	asOf := f.AsOf.Resolve(latestPurchase(&t))
	b := table.NewBuilder(RFMTable)
	b.Grow(len(t.Customers) * 120)
	for _, id := range t.IDs() {
		cu := t.Customers[id]
		recency := int64(asOf - cu.Last)
		r, f, m := RFM(recency, cu.Orders, cu.Spent)
		b.Text(id).Text(cu.Name).Date(cu.Last).Int(cu.Orders).Money(cu.Spent).Money(money.Avg(cu.Spent, cu.Orders)).
			Int(recency).Int(r).Int(f).Int(m).Int(r + f + m).Text(CustomerSegment(r + f + m)).End()
	}
	return b.Chunk(0)
}

// latestPurchase is the latest sale_date of any customer.
func latestPurchase(t *customers.Table) calendar.Date {
	var last calendar.Date
	first := true
	for _, c := range t.Customers {
		if first || c.Last > last {
			last, first = c.Last, false
		}
	}
	return last
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
