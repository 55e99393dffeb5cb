package unified

import (
	"testing"

	"github.com/beamline/beamline/transforms/docs"
	"github.com/beamline/beamline/transforms/records"
)

// TestDimensionsIgnoreOrder: duplicate keys resolve to the same entry
// whatever order the documents come and merge in.
func TestDimensionsIgnoreOrder(t *testing.T) {
	cs := []docs.Customer{{CustomerID: "C1", Name: "Zed", LoyaltyTier: "Gold"}, {CustomerID: "C1", Name: "Amy", LoyaltyTier: "Silver"}, {CustomerID: "C2", Name: "Bo"}}
	ps := []Product{{Source: CSV, ProductID: "P1", Name: "B", Brand: "x"}, {Source: CSV, ProductID: "P1", Name: "A", Brand: "y"}}
	es := []records.Employee{{ID: 5, Name: "Al", Department: "IT"}, {ID: 2, Name: "Al", Department: "HR"}}
	for _, order := range [][]int{{0, 1}, {1, 0}} {
		var c1, c2 Customers
		c1.Add(cs[order[0]])
		c2.Add(cs[order[1]])
		c2.Add(cs[2])
		c1.Merge(c2)
		var p Products
		p.Add(ps[order[0]])
		p.Add(ps[order[1]])
		var e1, e2 Departments
		e1.Add(records.EmployeeBlock{Rows: es[order[0] : order[0]+1]})
		e2.Add(records.EmployeeBlock{Rows: es[order[1] : order[1]+1]})
		e1.Merge(e2)
		if c1.ByID["C1"].Name != "Amy" || len(c1.ByID) != 2 || p.Brand(CSV, "P1") != "y" || p.Brand(Mongo, "P1") != "" || e1.Of("Al") != "HR" {
			t.Errorf("order %v: %v %v %v", order, c1.ByID, p.ByKey, e1.ByName)
		}
	}
}
