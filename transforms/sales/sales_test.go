package sales

import (
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/customers"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"

	_ "github.com/beamline/beamline/runners"
)

func TestMain(m *testing.M) { ptest.Main(m) }

func sale(tx, customer, region string, qty int64, price money.Cents, date string) records.Sale {
	d, err := calendar.Parse(date)
	if err != nil {
		panic(err)
	}
	return records.Sale{TransactionID: tx, ProductID: "P" + tx, ProductName: "Prod " + tx, Category: "Cat", Quantity: qty,
		UnitPrice: price, TotalAmount: price * money.Cents(qty), CustomerID: customer, CustomerName: "Name " + customer,
		SaleDate: d, Region: region, Salesperson: "Sam"}
}

func TestBasketAndAnomalyRules(t *testing.T) {
	for q, want := range map[int64]string{1: "Single Item", 2: "Small Basket (2 items)", 3: "Large Basket (3+ items)", 9: "Large Basket (3+ items)"} {
		if got := Basket(q); got != want {
			t.Errorf("Basket(%d) = %q", q, got)
		}
	}
	tests := []struct {
		qty   int64
		price money.Cents
		want  bool
	}{
		{2, 1299_99, true},  // 2599.98 > 2000
		{1, 1500_00, false}, // 1500 is not > 1500
		{1, 1500_01, true},
		{5, 1_00, false},
		{6, 1_00, true},
		{2, 1000_00, false}, // 2000 is not > 2000
	}
	for _, tt := range tests {
		s := sale("T", "C", "R", tt.qty, tt.price, "2024-01-01")
		if got := IsAnomaly(&s); got != tt.want {
			t.Errorf("IsAnomaly(%d × %s) = %v", tt.qty, tt.price, got)
		}
	}
}

func TestGroupsMergeInAnyOrder(t *testing.T) {
	rows := []records.Sale{
		sale("1", "C1", "Europe", 1, 10_00, "2024-01-02"),
		sale("2", "C2", "Asia", 3, 5_50, "2024-01-01"),
		sale("3", "C1", "Europe", 2, 1_01, "2024-01-02"),
	}
	whole := Groups{By: ByRegion}
	whole.Add(records.SaleBlock{Rows: rows})
	a, b := Groups{By: ByRegion}, Groups{By: ByRegion}
	a.Add(records.SaleBlock{Rows: rows[2:]})
	b.Add(records.SaleBlock{Rows: rows[:2]})
	a.Merge(b)
	if len(a.Totals) != 2 || a.Totals["Europe"] != whole.Totals["Europe"] || a.Totals["Asia"] != whole.Totals["Asia"] {
		t.Errorf("merged %v, whole %v", a.Totals, whole.Totals)
	}
	eu := whole.Totals["Europe"]
	if eu.Transactions != 2 || eu.Revenue != 12_02 || eu.Units != 3 || eu.AvgUnitPrice() != 5_51 || eu.AvgTransaction() != 6_01 {
		t.Errorf("Europe %+v", eu)
	}
}

func TestPeriodSpansMonths(t *testing.T) {
	g := Groups{By: ByDate}
	g.Add(records.SaleBlock{Rows: []records.Sale{sale("1", "C", "R", 1, 1_00, "2024-01-31")}})
	if got := period(&g); got != "Janvier 2024" {
		t.Errorf("one month: %q", got)
	}
	g.Add(records.SaleBlock{Rows: []records.Sale{sale("2", "C", "R", 1, 1_00, "2024-08-01")}})
	if got := period(&g); got != "Janvier 2024 – Août 2024" {
		t.Errorf("two months: %q", got)
	}
}

// TestSalesByRegionPipeline runs the Beam transform over several blocks:
// distinct customers are counted once per region although C1 buys twice
// there, and regions are ordered by revenue.
func TestSalesByRegionPipeline(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	blocks := beam.Create(s,
		records.SaleBlock{Seq: 0, Rows: []records.Sale{sale("1", "C1", "Europe", 1, 10_00, "2024-01-01"), sale("2", "C2", "Asia", 1, 30_00, "2024-01-01")}},
		records.SaleBlock{Seq: 1, Rows: []records.Sale{sale("3", "C1", "Europe", 1, 5_00, "2024-01-02"), sale("4", "C3", "Europe", 2, 2_50, "2024-01-03")}},
	)
	distinct := customers.Distinct(s, customers.Build(s, blocks, customers.Regions|customers.Salespeople))
	got := beam.ParDo(s, csvText, SalesByRegion(s, blocks, distinct))
	passert.Equals(s, got, "Asia,1,30.00,30.00,1,30.00\nEurope,3,20.00,6.67,2,10.00\n")
	ptest.RunAndValidate(t, p)
}

func csvText(c table.Chunk) string { return string(c.CSV) }

func init() {
	register.Function1x1(csvText)
}
