// Package products builds the product catalogue the original never filled
// (spec §2.3): every product seen in the CSV sales and in the MongoDB sales
// documents, keyed by source and product_id. The sources reuse ids for other
// products (P201 is an office chair in the CSV and a gaming laptop in the
// documents), so products are never merged across sources: ids whose
// variants disagree are listed in the product_conflicts dataset instead.
package products

import (
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
)

// Sources of products.
const (
	CSV   = "csv"   // sales_data.csv
	Mongo = "mongo" // MongoDB sales documents
)

// Seen is one variant of a product as a source shows it, with the number of
// sales that showed it.
type Seen struct {
	Source   string
	ID       string
	Name     string
	Category string
	Brand    string
	Sales    int64
}

type variantKey struct{ Source, ID, Name, Category, Brand string }

func (s Seen) key() variantKey { return variantKey{s.Source, s.ID, s.Name, s.Category, s.Brand} }

// Product is a catalogue entry: the variant of (source, id) seen in the
// most sales (ties: the smallest name, then category, then brand).
type Product struct {
	Source   string `bson:"source"`
	ID       string `bson:"product_id"`
	Name     string `bson:"name"`
	Category string `bson:"category"`
	Brand    string `bson:"brand,omitempty"`
	Sales    int64  `bson:"sales"`
	Variants int    `bson:"variants"`
}

// Key is the product's key in the products collection: "source:product_id".
func (p Product) Key() string { return p.Source + ":" + p.ID }

// Catalogue is every variant seen.
type Catalogue struct {
	Variants []Seen
}

// ConflictsTable lists every variant of each product id whose variants
// disagree on name, category or brand — within a source or across sources.
var ConflictsTable = table.New(table.Spark, "product_conflicts", "product_id, source, sales desc, name",
	table.S("product_id"), table.S("source"), table.S("name"), table.S("category"), table.S("brand"), table.I("sales"))

func init() {
	register.DoFn2x0[records.SaleBlock, func(Seen)](&fromSalesFn{})
	register.Emitter1[Seen]()
	register.Combiner3[Catalogue, Seen, Catalogue](&catalogueFn{})
	register.Function2x0(conflictChunks)
	register.Emitter1[table.Chunk]()
}

// FromSales returns the variants each block of CSV sales shows:
// PCollection<Seen>, one per distinct variant per block.
func FromSales(s beam.Scope, blocks beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("products.FromSales"), &fromSalesFn{}, blocks)
}

type fromSalesFn struct{}

func (fromSalesFn) ProcessElement(b records.SaleBlock, emit func(Seen)) {
	seen := map[variantKey]int64{}
	for i := range b.Rows {
		r := &b.Rows[i]
		seen[variantKey{CSV, r.ProductID, r.ProductName, r.Category, ""}]++
	}
	for k, n := range seen {
		emit(Seen{Source: k.Source, ID: k.ID, Name: k.Name, Category: k.Category, Brand: k.Brand, Sales: n})
	}
}

// Build gathers variants into one Catalogue: PCollection<Catalogue> of one
// element.
func Build(s beam.Scope, seen ...beam.PCollection) beam.PCollection {
	s = s.Scope("products.Build")
	return beam.Combine(s, &catalogueFn{}, beam.Flatten(s, seen...))
}

type catalogueFn struct{}

func (catalogueFn) CreateAccumulator() Catalogue { return Catalogue{} }

func (catalogueFn) AddInput(c Catalogue, s Seen) Catalogue {
	c.Variants = append(c.Variants, s)
	return c
}

func (catalogueFn) MergeAccumulators(a, b Catalogue) Catalogue {
	a.Variants = append(a.Variants, b.Variants...)
	return a
}

// ExtractOutput sums each variant's sales and sorts them.
func (catalogueFn) ExtractOutput(c Catalogue) Catalogue {
	sum := map[variantKey]int64{}
	for _, v := range c.Variants {
		sum[v.key()] += v.Sales
	}
	out := make([]Seen, 0, len(sum))
	for k, n := range sum {
		out = append(out, Seen{Source: k.Source, ID: k.ID, Name: k.Name, Category: k.Category, Brand: k.Brand, Sales: n})
	}
	sort.Slice(out, func(i, j int) bool { return less(out[i], out[j]) })
	return Catalogue{Variants: out}
}

// less orders variants by id, source, most sales first, then name,
// category, brand.
func less(a, b Seen) bool {
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	if a.Source != b.Source {
		return a.Source < b.Source
	}
	if a.Sales != b.Sales {
		return a.Sales > b.Sales
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.Category != b.Category {
		return a.Category < b.Category
	}
	return a.Brand < b.Brand
}

// Products returns one Product per (source, id): its most common variant.
func (c Catalogue) Products() []Product {
	var out []Product
	for i := 0; i < len(c.Variants); {
		j := i
		p := Product{Source: c.Variants[i].Source, ID: c.Variants[i].ID, Name: c.Variants[i].Name,
			Category: c.Variants[i].Category, Brand: c.Variants[i].Brand}
		for ; j < len(c.Variants) && c.Variants[j].Source == p.Source && c.Variants[j].ID == p.ID; j++ {
			p.Sales += c.Variants[j].Sales
			p.Variants++
		}
		out = append(out, p)
		i = j
	}
	return out
}

// Conflicts returns the variants of every id seen with more than one
// (name, category, brand), in the catalogue's order. A brand missing in
// one source is not a disagreement (the CSV has no brands).
func (c Catalogue) Conflicts() []Seen {
	var out []Seen
	for i := 0; i < len(c.Variants); {
		j := i
		for j < len(c.Variants) && c.Variants[j].ID == c.Variants[i].ID {
			j++
		}
		group := c.Variants[i:j]
		if disagree(group) {
			out = append(out, group...)
		}
		i = j
	}
	return out
}

func disagree(group []Seen) bool {
	for _, v := range group[1:] {
		a := group[0]
		if v.Name != a.Name || v.Category != a.Category || (v.Brand != a.Brand && v.Brand != "" && a.Brand != "") {
			return true
		}
	}
	return false
}

// ConflictsDataset writes the conflicts: PCollection<table.Chunk> of
// ConflictsTable.
func ConflictsDataset(s beam.Scope, catalogue beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("products.Conflicts"), conflictChunks, catalogue)
}

func conflictChunks(c Catalogue, emit func(table.Chunk)) {
	b := table.NewBuilder(ConflictsTable)
	for _, v := range c.Conflicts() {
		b.Text(v.ID).Text(v.Source).Text(v.Name).Text(v.Category).Text(v.Brand).Int(v.Sales).End()
	}
	emit(b.Chunk(0))
}
