package advanced

import (
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
)

// TrendsTable is the original's running total and daily rank, computed but
// never written there: every sale with the revenue of all sales up to and
// including its date (same-day sales share it) and its rank that day by
// total_amount (ties share a rank).
var TrendsTable = table.New(table.Spark, "sales_trends", "",
	table.S("transaction_id"), table.T("sale_date"), table.S("customer_id"), table.S("product_name"),
	table.M("total_amount"), table.M("running_total"), table.I("daily_rank"))

func init() {
	register.Combiner3[dayAmounts, records.SaleBlock, DayRanks](&dayAmountsFn{})
	register.Function2x1(trendRows)
}

// dayAmounts counts sales per amount, per day.
type dayAmounts struct {
	Days map[calendar.Date]map[money.Cents]int64
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

type dayAmountsFn struct{}

func (dayAmountsFn) CreateAccumulator() dayAmounts {
	return dayAmounts{Days: map[calendar.Date]map[money.Cents]int64{}}
}

func (dayAmountsFn) AddInput(a dayAmounts, b records.SaleBlock) dayAmounts {
	for i := range b.Rows {
		a.Days = countAmount(a.Days, b.Rows[i].SaleDate, b.Rows[i].TotalAmount)
	}
	return a
}

func (dayAmountsFn) MergeAccumulators(a, b dayAmounts) dayAmounts {
	a.Days = mergeAmounts(a.Days, b.Days)
	return a
}

func (dayAmountsFn) ExtractOutput(a dayAmounts) DayRanks {
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

// SalesTrends tags every sale with the running revenue total and its rank
// within its day. It takes PCollection<records.SaleBlock> and returns the
// sales_trends chunks, one per block, in input order.
func SalesTrends(s beam.Scope, sales beam.PCollection) beam.PCollection {
	s = s.Scope("advanced.SalesTrends")
	ranks := beam.Combine(s, &dayAmountsFn{}, sales)
	return beam.ParDo(s, trendRows, sales, beam.SideInput{Input: ranks})
}

func trendRows(b records.SaleBlock, ranks DayRanks) table.Chunk {
	c := table.Chunk{Seq: b.Seq, Rows: make([][]string, 0, len(b.Rows))}
	for i := range b.Rows {
		r := &b.Rows[i]
		d := ranks.Days[r.SaleDate]
		c.Rows = append(c.Rows, []string{r.TransactionID, r.SaleDate.String(), r.CustomerID, r.ProductName,
			r.TotalAmount.String(), d.Running.String(), itoa(d.Rank(r.TotalAmount))})
	}
	return c
}
