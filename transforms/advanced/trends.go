package advanced

import (
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/fold"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
	"github.com/beamline/beamline/transforms/wire"
)

// TrendsTable is the original's running total and daily rank, computed but
// never written there: every sale with the revenue of all sales up to and
// including its date (same-day sales share it) and its rank that day by
// total_amount (ties share a rank).
var TrendsTable = table.New(table.Spark, "sales_trends", "",
	table.S("transaction_id"), table.T("sale_date"), table.S("customer_id"), table.S("product_name"),
	table.M("total_amount"), table.M("running_total"), table.I("daily_rank"))

func init() {
	fold.Register[DayAmounts, records.SaleBlock]()
	wire.Register(encodeDayAmounts, decodeDayAmounts)
	wire.Register(encodeDayRanks, decodeDayRanks)
	register.Function1x1(dayRanks)
}

// DayAmounts counts sales per amount, per day.
type DayAmounts struct {
	Days map[calendar.Date]map[money.Cents]int64
}

// Add counts a block's amounts.
func (a *DayAmounts) Add(b records.SaleBlock) {
	for i := range b.Rows {
		a.Days = countAmount(a.Days, b.Rows[i].SaleDate, b.Rows[i].TotalAmount)
	}
}

// Merge adds another count.
func (a *DayAmounts) Merge(o DayAmounts) { a.Days = mergeAmounts(a.Days, o.Days) }

// Encode writes the counts in their binary form.
func (a *DayAmounts) Encode(w *wire.Writer) {
	encodeAmounts(w, a.Days, func(d calendar.Date) { w.Int(int64(d)) })
}

// Decode reads counts written by Encode.
func (a *DayAmounts) Decode(r *wire.Reader) {
	a.Days = decodeAmounts(r, func() calendar.Date { return calendar.Date(r.Int()) })
}

// DayRanks is, per day, what ranks and running totals are read from.
type DayRanks struct {
	Days map[calendar.Date]DayRank
}

// DayRank is one day's distinct amounts, descending, with the number of
// that day's sales above each; and the revenue up to and including the day.
type DayRank struct {
	Amounts []money.Cents
	Above   []int64
	Running money.Cents
}

// Rank is 1 + the number of the day's sales with a larger total_amount.
func (d *DayRank) Rank(amount money.Cents) int64 {
	i := sort.Search(len(d.Amounts), func(i int) bool { return d.Amounts[i] <= amount })
	return d.Above[i] + 1
}

func dayRanks(a DayAmounts) DayRanks {
	days := make([]calendar.Date, 0, len(a.Days))
	for d := range a.Days {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
	out := DayRanks{Days: make(map[calendar.Date]DayRank, len(days))}
	var running money.Cents
	for _, d := range days {
		var r DayRank
		var revenue money.Cents
		r.Amounts, r.Above, _, revenue = ladder(a.Days[d], true)
		running += revenue
		r.Running = running
		out.Days[d] = r
	}
	return out
}

// trendRows tags a block's sales with the revenue of all sales up to their
// day and their rank within it.
func trendRows(blk *records.SaleBlock, ranks *DayRanks) table.Chunk {
	b := table.NewBuilder(TrendsTable)
	b.Grow(len(blk.Rows) * 80)
	for i := range blk.Rows {
		r := &blk.Rows[i]
		d := ranks.Days[r.SaleDate]
		b.Text(r.TransactionID).Date(r.SaleDate).Text(r.CustomerID).Text(r.ProductName).
			Money(r.TotalAmount).Money(d.Running).Int(d.Rank(r.TotalAmount)).End()
	}
	return b.Chunk(blk.Seq)
}

// Encode writes the ranks in their binary form.
func (d *DayRanks) Encode(w *wire.Writer) {
	w.Uint(uint64(len(d.Days)))
	for day, r := range d.Days {
		w.Int(int64(day))
		w.Int(int64(r.Running))
		w.Uint(uint64(len(r.Amounts)))
		for i, a := range r.Amounts {
			w.Int(int64(a))
			w.Int(r.Above[i])
		}
	}
}

// Decode reads ranks written by Encode.
func (d *DayRanks) Decode(r *wire.Reader) {
	n := r.Len(3)
	d.Days = make(map[calendar.Date]DayRank, n)
	for i := 0; i < n && r.Err == nil; i++ {
		day := calendar.Date(r.Int())
		dr := DayRank{Running: money.Cents(r.Int())}
		m := r.Len(2)
		dr.Amounts, dr.Above = make([]money.Cents, m), make([]int64, m)
		for j := 0; j < m; j++ {
			dr.Amounts[j], dr.Above[j] = money.Cents(r.Int()), r.Int()
		}
		d.Days[day] = dr
	}
}

func encodeDayAmounts(v DayAmounts) []byte          { return wire.Marshal(v) }
func decodeDayAmounts(b []byte) (DayAmounts, error) { return wire.Unmarshal[DayAmounts](b) }

func encodeDayRanks(v DayRanks) []byte          { return wire.Marshal(v) }
func decodeDayRanks(b []byte) (DayRanks, error) { return wire.Unmarshal[DayRanks](b) }
