package sales

import (
	"sort"
	"strconv"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/customers"
	"github.com/beamline/beamline/transforms/decimal"
	"github.com/beamline/beamline/transforms/fold"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/order"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
)

// The datasets of sales_analysis.pig, with the original's names and
// columns, plus monthly_sales_trend.
var (
	KPITable = table.New(table.Pig, "sales_kpi_global", "",
		table.I("total_transactions"), table.M("total_revenue"), table.M("avg_transaction_value"), table.I("total_units_sold"), table.I("unique_customers"))
	ByCategoryTable = table.New(table.Pig, "sales_by_category", "total_revenue desc, category",
		table.S("category"), table.I("transaction_count"), table.M("total_revenue"), table.M("avg_transaction_value"), table.I("total_quantity"), table.M("avg_unit_price"))
	ByRegionTable = table.New(table.Pig, "sales_by_region", "revenue desc, region",
		table.S("region"), table.I("transactions"), table.M("revenue"), table.M("avg_order_value"), table.I("unique_customers"), table.M("revenue_per_customer"))
	SalespersonTable = table.New(table.Pig, "salesperson_performance", "total_revenue desc, salesperson",
		table.S("salesperson"), table.I("total_sales"), table.M("total_revenue"), table.M("avg_sale_amount"), table.I("customers_served"))
	DailyTable = table.New(table.Pig, "daily_sales_trend", "sale_date",
		table.T("sale_date"), table.I("daily_transactions"), table.M("daily_revenue"), table.M("avg_daily_transaction"))
	MonthlyTable = table.New(table.Pig, "monthly_sales_trend", "year_month",
		table.S("year_month"), table.I("transactions"), table.M("revenue"), table.M("avg_transaction_value"), table.I("units"))
	TopProductsTable = table.New(table.Pig, "top_products", "total_product_revenue desc, product_name",
		table.S("product_name"), table.I("times_sold"), table.I("total_quantity_sold"), table.M("total_product_revenue"), table.M("avg_unit_price"))
	VIPTable = table.New(table.Pig, "vip_customers", "total_spent desc, customer_id",
		table.S("customer_id"), table.S("customer_name"), table.I("purchase_frequency"), table.M("total_spent"), table.M("avg_order_value"), table.I("total_items_bought"))
	BasketTable = table.New(table.Pig, "basket_analysis", "basket_size (Single, Small, Large)",
		table.S("basket_size"), table.I("transaction_count"), table.M("revenue_contribution"), table.M("avg_transaction_value"), table.D("revenue_percentage"))
	ExecutiveTable = table.New(table.Pig, "executive_sales_summary", "",
		table.S("report"))
	AnomaliesTable = table.New(table.Pig, "sales_anomalies", "",
		table.S("transaction_id"), table.S("product_name"), table.I("quantity"), table.M("unit_price"), table.M("total_amount"), table.S("customer_name"), table.S("anomaly_type"))
)

func init() {
	fold.Register[Groups, records.SaleBlock]()
	register.Function2x1(globalKPI)
	register.Function1x1(byCategory)
	register.Function2x1(byRegion)
	register.Function2x1(bySalesperson)
	register.Function1x1(dailyTrend)
	register.Function1x1(monthlyTrend)
	register.Function1x1(basketAnalysis)
	register.Function1x1(executiveSummary)
	register.DoFn1x1[Groups, table.Chunk](&topProductsFn{})
	register.DoFn1x1[customers.Table, table.Chunk](&vipFn{})
	register.Function1x1(anomalies)
}

// Group computes the totals of each group of sales under by. It takes
// PCollection<records.SaleBlock> and returns PCollection<Groups> holding
// one element.
func Group(s beam.Scope, sales beam.PCollection, by Grouping) beam.PCollection {
	return fold.Over[Groups, records.SaleBlock](s.Scope("sales.GroupBy_"+string(by)), Groups{By: by}, sales)
}

// GlobalKPI reports transactions, revenue, mean transaction, units and
// distinct customers over all sales. It takes Group(…, ByDate)'s output and
// the customers.Counts as a side input.
func GlobalKPI(s beam.Scope, daily, counts beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("sales.GlobalKPI"), globalKPI, daily, beam.SideInput{Input: counts})
}

func globalKPI(daily Groups, c customers.Counts) table.Chunk {
	t := daily.Total()
	b := table.NewBuilder(KPITable)
	b.Int(t.Transactions).Money(t.Revenue).Money(t.AvgTransaction()).Int(t.Units).Int(c.Customers).End()
	return b.Chunk(0)
}

// SalesByCategory reports totals per category, highest revenue first. It
// takes PCollection<records.SaleBlock>.
func SalesByCategory(s beam.Scope, sales beam.PCollection) beam.PCollection {
	s = s.Scope("sales.SalesByCategory")
	return beam.ParDo(s, byCategory, Group(s, sales, ByCategory))
}

func byCategory(g Groups) table.Chunk {
	b := table.NewBuilder(ByCategoryTable)
	for _, n := range g.Sorted(byRevenueDesc) {
		t := &n.Value
		b.Text(n.Key).Int(t.Transactions).Money(t.Revenue).Money(t.AvgTransaction()).Int(t.Units).Money(t.AvgUnitPrice()).End()
	}
	return b.Chunk(0)
}

// SalesByRegion sums revenue, counts orders and distinct customers per
// region, highest revenue first. It takes PCollection<records.SaleBlock>
// and the customers.Counts side input.
func SalesByRegion(s beam.Scope, sales, counts beam.PCollection) beam.PCollection {
	s = s.Scope("sales.SalesByRegion")
	return beam.ParDo(s, byRegion, Group(s, sales, ByRegion), beam.SideInput{Input: counts})
}

func byRegion(g Groups, counts customers.Counts) table.Chunk {
	b := table.NewBuilder(ByRegionTable)
	for _, n := range g.Sorted(byRevenueDesc) {
		t, u := &n.Value, counts.ByRegion[n.Key]
		b.Text(n.Key).Int(t.Transactions).Money(t.Revenue).Money(t.AvgTransaction()).Int(u).Money(money.Avg(t.Revenue, u)).End()
	}
	return b.Chunk(0)
}

// SalespersonPerformance reports totals and customers served per
// salesperson, highest revenue first. It takes
// PCollection<records.SaleBlock> and the customers.Counts side input.
func SalespersonPerformance(s beam.Scope, sales, counts beam.PCollection) beam.PCollection {
	s = s.Scope("sales.SalespersonPerformance")
	return beam.ParDo(s, bySalesperson, Group(s, sales, BySalesperson), beam.SideInput{Input: counts})
}

func bySalesperson(g Groups, counts customers.Counts) table.Chunk {
	b := table.NewBuilder(SalespersonTable)
	for _, n := range g.Sorted(byRevenueDesc) {
		t := &n.Value
		b.Text(n.Key).Int(t.Transactions).Money(t.Revenue).Money(t.AvgTransaction()).Int(counts.BySalesperson[n.Key]).End()
	}
	return b.Chunk(0)
}

// DailyTrend reports totals per sale_date, in date order. It takes
// Group(…, ByDate)'s output.
func DailyTrend(s beam.Scope, daily beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("sales.DailyTrend"), dailyTrend, daily)
}

func dailyTrend(g Groups) table.Chunk {
	b := table.NewBuilder(DailyTable)
	for _, n := range g.Sorted(byKey) {
		b.Text(n.Key).Int(n.Value.Transactions).Money(n.Value.Revenue).Money(n.Value.AvgTransaction()).End()
	}
	return b.Chunk(0)
}

// MonthlyTrend reports totals per year_month, in month order. It takes
// Group(…, ByDate)'s output.
func MonthlyTrend(s beam.Scope, daily beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("sales.MonthlyTrend"), monthlyTrend, daily)
}

func monthlyTrend(daily Groups) table.Chunk {
	months := Groups{By: "year_month", Totals: map[string]Totals{}}
	for day, t := range daily.Totals {
		m := months.Totals[day[:7]]
		m.Merge(t)
		months.Totals[day[:7]] = m
	}
	b := table.NewBuilder(MonthlyTable)
	for _, n := range months.Sorted(byKey) {
		t := &n.Value
		b.Text(n.Key).Int(t.Transactions).Money(t.Revenue).Money(t.AvgTransaction()).Int(t.Units).End()
	}
	return b.Chunk(0)
}

// TopProducts reports the n products (by product_name) with the highest
// revenue. It takes PCollection<records.SaleBlock>.
func TopProducts(s beam.Scope, sales beam.PCollection, n int) beam.PCollection {
	s = s.Scope("sales.TopProducts")
	return beam.ParDo(s, &topProductsFn{N: n}, Group(s, sales, ByProduct))
}

type topProductsFn struct{ N int }

func (f *topProductsFn) ProcessElement(g Groups) table.Chunk {
	b := table.NewBuilder(TopProductsTable)
	for i, n := range g.Sorted(byRevenueDesc) {
		if i == f.N {
			break
		}
		t := &n.Value
		b.Text(n.Key).Int(t.Transactions).Int(t.Units).Money(t.Revenue).Money(t.AvgUnitPrice()).End()
	}
	return b.Chunk(0)
}

// VIPCustomers lists the customers with more than MinOrders purchases,
// biggest spenders first. It takes PCollection<customers.Table>.
func VIPCustomers(s beam.Scope, table beam.PCollection, minOrders int64) beam.PCollection {
	return beam.ParDo(s.Scope("sales.VIPCustomers"), &vipFn{MinOrders: minOrders}, table)
}

// VIPMinOrders is the original's VIP rule: purchase_frequency > 2.
const VIPMinOrders = 2

type vipFn struct{ MinOrders int64 }

func (f *vipFn) ProcessElement(t customers.Table) table.Chunk {
	type vip struct {
		id string
		c  *customers.Customer
	}
	var vips []vip
	for id, cu := range t.Customers {
		if cu.Orders > f.MinOrders {
			vips = append(vips, vip{id, cu})
		}
	}
	sort.Slice(vips, func(i, j int) bool {
		a, b := vips[i], vips[j]
		if a.c.Spent != b.c.Spent {
			return a.c.Spent > b.c.Spent
		}
		return a.id < b.id
	})
	b := table.NewBuilder(VIPTable)
	b.Grow(len(vips) * 64)
	for _, v := range vips {
		b.Text(v.id).Text(v.c.Name).Int(v.c.Orders).Money(v.c.Spent).Money(money.Avg(v.c.Spent, v.c.Orders)).Int(v.c.Items).End()
	}
	return b.Chunk(0)
}

// BasketAnalysis reports each basket size with its share of revenue — of
// the computed total, not the original's hard-coded 37499.42. It takes
// PCollection<records.SaleBlock>.
func BasketAnalysis(s beam.Scope, sales beam.PCollection) beam.PCollection {
	s = s.Scope("sales.BasketAnalysis")
	return beam.ParDo(s, basketAnalysis, Group(s, sales, ByBasket))
}

func basketAnalysis(g Groups) table.Chunk {
	total := g.Total().Revenue
	b := table.NewBuilder(BasketTable)
	for _, n := range order.ByKeyIn(g.Totals, order.Listed(baskets)) {
		t := &n.Value
		b.Text(n.Key).Int(t.Transactions).Money(t.Revenue).Money(t.AvgTransaction()).Fixed(decimal.Percent(int64(t.Revenue), int64(total))).End()
	}
	return b.Chunk(0)
}

// ExecutiveSummary writes the original's one-line French report, with the
// period taken from the data (the original hard-coded "Août 2024"). It
// takes Group(…, ByDate)'s output.
func ExecutiveSummary(s beam.Scope, daily beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("sales.ExecutiveSummary"), executiveSummary, daily)
}

func executiveSummary(daily Groups) table.Chunk {
	t := daily.Total()
	b := table.NewBuilder(ExecutiveTable)
	b.Text("RAPPORT EXÉCUTIF VENTES - Période: " + period(&daily) +
		" | Total transactions: " + itoa(t.Transactions) +
		" | Chiffre d'affaires: $" + itoa(t.Revenue.Round()) +
		" | Panier moyen: $" + itoa(t.AvgTransaction().Round()) +
		" | Unités vendues: " + itoa(t.Units)).End()
	return b.Chunk(0)
}

var moisFR = [...]string{"Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre", "Octobre", "Novembre", "Décembre"}

// period names the months the sales span in French: "Août 2024", or
// "Janvier 2024 – Août 2024" across months.
func period(daily *Groups) string {
	days := daily.Sorted(byKey)
	if len(days) == 0 {
		return "aucune vente"
	}
	month := func(day string) string {
		d, err := calendar.Parse(day)
		if err != nil {
			return day
		}
		y, m := d.Month().YM()
		return moisFR[m-1] + " " + strconv.Itoa(y)
	}
	first, last := month(days[0].Key), month(days[len(days)-1].Key)
	if first == last {
		return first
	}
	return first + " – " + last
}

// Anomalies lists, in input order, the sales the original flagged as
// HIGH_VALUE (IsAnomaly). It takes PCollection<records.SaleBlock>.
func Anomalies(s beam.Scope, sales beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("sales.Anomalies"), anomalies, sales)
}

func anomalies(blk records.SaleBlock) table.Chunk {
	b := table.NewBuilder(AnomaliesTable)
	for i := range blk.Rows {
		if r := &blk.Rows[i]; IsAnomaly(r) {
			b.Text(r.TransactionID).Text(r.ProductName).Int(r.Quantity).Money(r.UnitPrice).Money(r.TotalAmount).Text(r.CustomerName).Text("HIGH_VALUE").End()
		}
	}
	return b.Chunk(blk.Seq)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
