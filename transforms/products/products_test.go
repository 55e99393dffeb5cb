package products

import (
	"testing"
)

func TestCatalogueAndConflicts(t *testing.T) {
	fn := catalogueFn{}
	acc := fn.CreateAccumulator()
	for _, s := range []Seen{
		{CSV, "P201", "Office Chair", "Furniture", "", 1},
		{CSV, "P101", "Laptop Pro", "Electronics", "", 3},
		{Mongo, "P201", "Laptop Gaming", "Electronics", "GameTech", 1},
		{CSV, "P101", "Laptop Pro", "Electronics", "", 2}, // another block
		{CSV, "P300", "Lamp", "Home", "", 1},
		{CSV, "P300", "Lamp XL", "Home", "", 2}, // the CSV disagrees with itself
		{Mongo, "P400", "Pen", "Office", "Bic", 1},
		{CSV, "P400", "Pen", "Office", "", 1}, // no brand in the CSV: no conflict
	} {
		acc = fn.AddInput(acc, s)
	}
	c := fn.ExtractOutput(fn.MergeAccumulators(acc, fn.CreateAccumulator()))
	var keys []string
	for _, p := range c.Products() {
		keys = append(keys, p.Key()+"="+p.Name)
	}
	want := "csv:P101=Laptop Pro csv:P201=Office Chair mongo:P201=Laptop Gaming csv:P300=Lamp XL csv:P400=Pen mongo:P400=Pen"
	if got := join(keys); got != want {
		t.Fatalf("products = %s\nwant       %s", got, want)
	}
	if p := c.Products()[0]; p.Sales != 5 || p.Variants != 1 {
		t.Fatalf("P101 = %+v", p)
	}
	var conflicts []string
	for _, v := range c.Conflicts() {
		conflicts = append(conflicts, v.ID+"/"+v.Source+"/"+v.Name)
	}
	if got := join(conflicts); got != "P201/csv/Office Chair P201/mongo/Laptop Gaming P300/csv/Lamp XL P300/csv/Lamp" {
		t.Fatalf("conflicts = %s", got)
	}
}

func join(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out
}
