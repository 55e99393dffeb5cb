package customers

import (
	"reflect"
	"testing"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
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
	tb.AddBlock(rows)
	c := tb.Customers["C1"]
	first, _ := calendar.Parse("2024-01-05")
	last, _ := calendar.Parse("2024-03-09")
	// The name is the one on the latest sale (T3).
	if c.Orders != 3 || c.Spent != 180_00 || c.First != first || c.Last != last || c.Name != "Ann B." {
		t.Errorf("C1 %+v", c)
	}
	if !reflect.DeepEqual(c.Regions, []string{"Asia", "Europe"}) || !reflect.DeepEqual(c.Products, []string{"Desk", "Lamp"}) ||
		!reflect.DeepEqual(c.CategoryNames, []string{"Furniture", "Home"}) || !reflect.DeepEqual(c.CategorySpend, []money.Cents{150_00, 30_00}) {
		t.Errorf("C1 sets %+v", c)
	}
}

// TestMergeOrderDoesNotMatter: however the rows are split into blocks and
// merged, the table is the same.
func TestMergeOrderDoesNotMatter(t *testing.T) {
	whole := NewTable(all)
	whole.AddBlock(rows)
	for split := 1; split < len(rows); split++ {
		a, b := NewTable(all), NewTable(all)
		a.AddBlock(rows[:split])
		b.AddBlock(rows[split:])
		b.Merge(a)
		if !reflect.DeepEqual(b.Customers, whole.Customers) {
			t.Errorf("split %d: %+v\nwant %+v", split, b.Customers, whole.Customers)
		}
	}
}

func TestCount(t *testing.T) {
	tb := NewTable(all)
	tb.AddBlock(rows)
	c := tb.Count()
	if c.Customers != 2 || c.ByRegion["Asia"] != 2 || c.ByRegion["Europe"] != 1 || c.BySalesperson["Li"] != 2 || c.ByRegionCategory["Asia\x00Home"] != 2 {
		t.Errorf("counts %+v", c)
	}
}
