// Package sales computes every output of the original sales_analysis.pig
// over sale records — KPIs; totals by category, region, salesperson, day,
// month and product; VIP customers; basket sizes; the executive summary and
// anomalies — with money summed exactly and every ordering tie-broken.
package sales

import (
	"strings"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/order"
	"github.com/beamline/beamline/transforms/records"
)

// Totals accumulates a group of sales.
type Totals struct {
	Transactions int64
	Revenue      money.Cents
	Units        int64
	// PriceSum is the sum of unit prices, for the mean unit price.
	PriceSum money.Cents
}

// Add adds one sale.
func (t *Totals) Add(s *records.Sale) {
	t.Transactions++
	t.Revenue += s.TotalAmount
	t.Units += s.Quantity
	t.PriceSum += s.UnitPrice
}

// Merge adds another group's totals.
func (t *Totals) Merge(o Totals) {
	t.Transactions += o.Transactions
	t.Revenue += o.Revenue
	t.Units += o.Units
	t.PriceSum += o.PriceSum
}

// AvgTransaction is the mean total_amount, to the cent.
func (t *Totals) AvgTransaction() money.Cents { return money.Avg(t.Revenue, t.Transactions) }

// AvgUnitPrice is the mean unit_price, to the cent.
func (t *Totals) AvgUnitPrice() money.Cents { return money.Avg(t.PriceSum, t.Transactions) }

// RevenuePerUnit is revenue over units sold, to the cent.
func (t *Totals) RevenuePerUnit() money.Cents { return money.Avg(t.Revenue, t.Units) }

// Grouping names what sales are grouped by.
type Grouping string

// The groupings of sales_analysis.pig.
const (
	ByCategory    Grouping = "category"
	ByRegion      Grouping = "region"
	BySalesperson Grouping = "salesperson"
	ByProduct     Grouping = "product_name"
	ByBasket      Grouping = "basket_size"
	ByDate        Grouping = "sale_date"
	// ByProductID groups by product_id, ByRegionCategory by region and
	// category (keyed region + "\x00" + category).
	ByProductID      Grouping = "product_id"
	ByRegionCategory Grouping = "region_category"
)

// Basket is the original's basket size of a sale, by quantity.
func Basket(quantity int64) string {
	switch {
	case quantity == 1:
		return "Single Item"
	case quantity <= 2:
		return "Small Basket (2 items)"
	}
	return "Large Basket (3+ items)"
}

var baskets = []string{"Single Item", "Small Basket (2 items)", "Large Basket (3+ items)"}

// IsAnomaly is the original's high-value rule: a total over 2,000, more than
// 5 units, or a unit price over 1,500.
func IsAnomaly(s *records.Sale) bool {
	return s.TotalAmount > 2000_00 || s.Quantity > 5 || s.UnitPrice > 1500_00
}

// Groups is a set of groups' totals, keyed by group: the accumulator of a
// grouping (its zero value with By set is empty).
type Groups struct {
	By     Grouping
	Totals map[string]Totals
}

// Add adds every sale of a block.
func (gs *Groups) Add(b records.SaleBlock) {
	if gs.Totals == nil {
		gs.Totals = map[string]Totals{}
	}
	var lastDate calendar.Date = -1 << 31
	var lastKey string
	for i := range b.Rows {
		s := &b.Rows[i]
		var k string
		switch gs.By {
		case ByCategory:
			k = s.Category
		case ByRegion:
			k = s.Region
		case BySalesperson:
			k = s.Salesperson
		case ByProduct:
			k = s.ProductName
		case ByBasket:
			k = Basket(s.Quantity)
		case ByDate:
			if s.SaleDate != lastDate {
				lastDate, lastKey = s.SaleDate, s.SaleDate.String()
			}
			k = lastKey
		case ByProductID:
			k = s.ProductID
		case ByRegionCategory:
			k = s.Region + "\x00" + s.Category
		default:
			panic("sales: unknown grouping " + string(gs.By))
		}
		t, ok := gs.Totals[k]
		t.Add(s)
		if !ok {
			k = strings.Clone(k) // do not keep the block's text alive
		}
		gs.Totals[k] = t
	}
}

// Merge adds another set of the same grouping.
func (gs *Groups) Merge(o Groups) {
	if gs.By == "" {
		gs.By = o.By
	}
	if gs.Totals == nil {
		gs.Totals = map[string]Totals{}
	}
	for k, v := range o.Totals {
		t := gs.Totals[k]
		t.Merge(v)
		gs.Totals[k] = t
	}
}

// Total returns the totals of all groups together.
func (gs *Groups) Total() Totals {
	var t Totals
	for _, v := range gs.Totals {
		t.Merge(v)
	}
	return t
}

// Named is one group's key and totals.
type Named = order.Entry[Totals]

// Sorted returns the groups ordered by cmp, ties broken by key ascending.
func (gs *Groups) Sorted(cmp func(a, b *Totals) int) []Named { return order.Entries(gs.Totals, cmp) }

// byRevenueDesc orders groups by revenue, largest first.
func byRevenueDesc(a, b *Totals) int { return order.Int(int64(b.Revenue), int64(a.Revenue)) }

// byKey orders groups by key alone (dates and months sort as text).
func byKey(a, b *Totals) int { return 0 }
