package customers

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/wire"
)

func sale(tx, id, name, region, person, product, category, date string, total money.Cents) records.Sale {
	d, _ := calendar.Parse(date)
	return records.Sale{TransactionID: tx, CustomerID: id, CustomerName: name, Region: region, Salesperson: person,
		ProductName: product, Category: category, SaleDate: d, Quantity: 1, UnitPrice: total, TotalAmount: total}
}

var rows = []records.Sale{
	sale("T1", "C1", "Ann", "Europe", "Jo", "Desk", "Furniture", "2024-01-05", 100_00),
	sale("T2", "C2", "Bo", "Asia", "Li", "Lamp", "Home", "2024-02-01", 20_00),
	sale("T3", "C1", "Ann B.", "Asia", "Li", "Lamp", "Home", "2024-03-09", 30_00),
	sale("T4", "C1", "Ann", "Europe", "Jo", "Desk", "Furniture", "2024-02-01", 50_00),
}

const all = Regions | Salespeople | Categories | Products | RegionCategory

func TestCustomerRecord(t *testing.T) {
	tb := NewTable(all)
	tb.Add(records.SaleBlock{Rows: rows})
	c := tb.Customers["C1"]
	first, _ := calendar.Parse("2024-01-05")
	last, _ := calendar.Parse("2024-03-09")
	// The name is the one on the latest sale (T3).
	if c.Orders != 3 || c.Spent != 180_00 || c.First != first || c.Last != last || c.Name != "Ann B." {
		t.Errorf("C1 %+v", c)
	}
	if !reflect.DeepEqual(tb.Names(c, RegionSet), []string{"Asia", "Europe"}) || !reflect.DeepEqual(tb.Names(c, ProductSet), []string{"Desk", "Lamp"}) ||
		!reflect.DeepEqual(tb.CategorySpend(c), map[string]money.Cents{"Furniture": 150_00, "Home": 30_00}) {
		t.Errorf("C1 sets %+v", c)
	}
}

// TestMergeOrderDoesNotMatter: however the rows are split into blocks and
// merged, the table is the same.
func TestMergeOrderDoesNotMatter(t *testing.T) {
	whole := NewTable(all)
	whole.Add(records.SaleBlock{Rows: rows})
	for split := 1; split < len(rows); split++ {
		a, b := NewTable(all), NewTable(all)
		a.Add(records.SaleBlock{Rows: rows[:split]})
		b.Add(records.SaleBlock{Rows: rows[split:]})
		b.Merge(a)
		if describe(&b) != describe(&whole) {
			t.Errorf("split %d:\n%s\nwant\n%s", split, describe(&b), describe(&whole))
		}
	}
}

func TestCount(t *testing.T) {
	tb := NewTable(all)
	tb.Add(records.SaleBlock{Rows: rows})
	c := tb.Count()
	if c.Customers != 2 || c.ByRegion["Asia"] != 2 || c.ByRegion["Europe"] != 1 || c.BySalesperson["Li"] != 2 || c.ByRegionCategory["Asia\x00Home"] != 2 {
		t.Errorf("counts %+v", c)
	}
}

func TestTableWireRoundTrip(t *testing.T) {
	tb := NewTable(all)
	tb.Add(records.SaleBlock{Rows: rows})
	var w wire.Writer
	tb.Encode(&w)
	var got Table
	r := wire.Reader{B: w.B}
	got.Decode(&r)
	if r.Err != nil || describe(&got) != describe(&tb) {
		t.Errorf("round trip: %v\n%s\nwant %s", r.Err, describe(&got), describe(&tb))
	}
	r = wire.Reader{B: w.B[:len(w.B)/2]}
	got.Decode(&r)
	if r.Err == nil {
		t.Error("truncated table should not decode")
	}
}

// describe renders a table by names, independent of dictionary ids.
func describe(t *Table) string {
	var b strings.Builder
	for _, id := range t.IDs() {
		c := t.Customers[id]
		fmt.Fprintf(&b, "%s %s %d %s %d %v %v %v %v %v %v\n", id, c.Name, c.Orders, c.Spent, c.Items, c.First, c.Last,
			t.Names(c, RegionSet), t.Names(c, SalespersonSet), t.Names(c, ProductSet), t.CategorySpend(c))
	}
	return b.String()
}
