package advanced

import (
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/customers"
	"github.com/beamline/beamline/transforms/decimal"
	"github.com/beamline/beamline/transforms/table"
)

// The market basket datasets: what each customer bought (the original
// collected it and never wrote it), and the product pairs bought by the
// most customers.
var (
	BasketTable = table.New(table.Spark, "market_basket", "customer_id",
		table.S("customer_id"), table.S("customer_name"), table.S("products"), table.I("product_count"))
	PairsTable = table.New(table.Spark, "market_basket_pairs", "customers desc, product_a, product_b",
		table.S("product_a"), table.S("product_b"), table.I("customers"), table.D("support"), table.D("lift"))
)

func init() {
	register.Function1x1(marketBasket)
	register.DoFn1x1[customers.Table, table.Chunk](&pairsFn{})
}

// MarketBasket lists each customer's distinct products ("; "-separated,
// sorted). It takes PCollection<customers.Table> tracking Products.
func MarketBasket(s beam.Scope, buyers beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("advanced.MarketBasket"), marketBasket, buyers)
}

func marketBasket(t customers.Table) table.Chunk {
	b := table.NewBuilder(BasketTable)
	for _, id := range t.IDs() {
		cu := t.Customers[id]
		products := t.Names(cu, customers.ProductSet)
		b.Text(id).Text(cu.Name).Text(strings.Join(products, "; ")).Int(int64(len(products))).End()
	}
	return b.Chunk(0)
}

// ProductPairs reports the n product pairs bought by the most customers
// (both products, at any time), with support (share of all customers) and
// lift (support over what independence would give). It takes
// PCollection<customers.Table> tracking Products.
func ProductPairs(s beam.Scope, buyers beam.PCollection, n int) beam.PCollection {
	return beam.ParDo(s.Scope("advanced.ProductPairs"), &pairsFn{N: n}, buyers)
}

type pairsFn struct{ N int }

// Pair is two products and the customers who bought both.
type Pair struct {
	A, B      string
	Customers int64
}

// CountPairs counts, for every pair of products, the customers who bought
// both, and each product's customers.
func CountPairs(t *customers.Table) (pairs []Pair, buyers map[string]int64) {
	names := t.Dict(customers.ProductSet)
	n := len(names)
	perID := make([]int64, n)
	// A dense triangle of counters when it fits, a map beyond.
	dense := n <= 4096
	var grid []int32
	var sparse map[int64]int64
	if dense {
		grid = make([]int32, n*n)
	} else {
		sparse = map[int64]int64{}
	}
	ids := make([]uint32, 0, 64)
	for _, c := range t.Customers {
		ids = ids[:0]
		c.Sets[customers.ProductSet].Each(func(id uint32) { ids = append(ids, id) })
		for i, a := range ids {
			perID[a]++
			for _, b := range ids[i+1:] {
				if dense {
					grid[int(a)*n+int(b)]++
				} else {
					sparse[int64(a)*int64(n)+int64(b)]++
				}
			}
		}
	}
	buyers = map[string]int64{}
	for id, k := range perID {
		if k > 0 {
			buyers[names[id]] = k
		}
	}
	add := func(a, b int, v int64) {
		x, y := names[a], names[b]
		if x > y {
			x, y = y, x
		}
		pairs = append(pairs, Pair{x, y, v})
	}
	if dense {
		for k, v := range grid {
			if v > 0 {
				add(k/n, k%n, int64(v))
			}
		}
	} else {
		for k, v := range sparse {
			add(int(k/int64(n)), int(k%int64(n)), v)
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		a, b := pairs[i], pairs[j]
		if a.Customers != b.Customers {
			return a.Customers > b.Customers
		}
		if a.A != b.A {
			return a.A < b.A
		}
		return a.B < b.B
	})
	return pairs, buyers
}

func (f *pairsFn) ProcessElement(t customers.Table) table.Chunk {
	pairs, buyers := CountPairs(&t)
	total := int64(len(t.Customers))
	b := table.NewBuilder(PairsTable)
	for i, p := range pairs {
		if i == f.N {
			break
		}
		// lift = P(a∧b) / (P(a)·P(b)) = both·N / (na·nb)
		lift := decimal.Float(float64(p.Customers) * float64(total) / (float64(buyers[p.A]) * float64(buyers[p.B])))
		b.Text(p.A).Text(p.B).Int(p.Customers).Fixed(decimal.Ratio(p.Customers, total)).Fixed(lift).End()
	}
	return b.Chunk(0)
}
