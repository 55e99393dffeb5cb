package advanced

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/customers"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
	"github.com/beamline/beamline/transforms/wire"
)

// CohortTable is every sale with its customer's cohort (the month of the
// customer's first purchase) and the whole calendar months since then.
var CohortTable = table.New(table.Spark, "cohort_analysis", "",
	table.S("transaction_id"), table.S("product_id"), table.S("product_name"), table.S("category"),
	table.I("quantity"), table.M("unit_price"), table.M("total_amount"), table.S("customer_id"),
	table.S("customer_name"), table.T("sale_date"), table.S("region"), table.S("salesperson"),
	table.S("customer_cohort"), table.I("period_number"))

func init() {
	wire.Register(encodeFirstMonths, decodeFirstMonths)
	register.Function1x1(firstMonths)
}

// FirstMonths maps each customer_id to the month of its first purchase.
type FirstMonths struct {
	Months map[string]calendar.Month
}

func firstMonths(t customers.Table) FirstMonths {
	f := FirstMonths{Months: make(map[string]calendar.Month, len(t.Customers))}
	for id, c := range t.Customers {
		f.Months[id] = c.First.Month()
	}
	return f
}

// cohortRows tags a block's sales with their customer's cohort (the month
// of the first purchase) and period number (whole calendar months since).
func cohortRows(blk *records.SaleBlock, first *FirstMonths) table.Chunk {
	b := table.NewBuilder(CohortTable)
	b.Grow(len(blk.Rows) * 150)
	for i := range blk.Rows {
		r := &blk.Rows[i]
		cohort := first.Months[r.CustomerID]
		b.Text(r.TransactionID).Text(r.ProductID).Text(r.ProductName).Text(r.Category).Int(r.Quantity).Money(r.UnitPrice).
			Money(r.TotalAmount).Text(r.CustomerID).Text(r.CustomerName).Date(r.SaleDate).Text(r.Region).Text(r.Salesperson).
			Text(cohort.String()).Int(int64(calendar.MonthsBetween(cohort, r.SaleDate.Month()))).End()
	}
	return b.Chunk(blk.Seq)
}

// Encode writes the months in their binary form.
func (f *FirstMonths) Encode(w *wire.Writer) {
	w.Uint(uint64(len(f.Months)))
	for id, m := range f.Months {
		w.String(id)
		w.Int(int64(m))
	}
}

// Decode reads months written by Encode.
func (f *FirstMonths) Decode(r *wire.Reader) {
	n := r.Len(2)
	f.Months = make(map[string]calendar.Month, n)
	for i := 0; i < n && r.Err == nil; i++ {
		id := r.String()
		f.Months[id] = calendar.Month(r.Int())
	}
}

func encodeFirstMonths(v FirstMonths) []byte          { return wire.Marshal(v) }
func decodeFirstMonths(b []byte) (FirstMonths, error) { return wire.Unmarshal[FirstMonths](b) }
