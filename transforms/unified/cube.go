package unified

import (
	"math"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/cube"
	"github.com/beamline/beamline/transforms/docs"
	"github.com/beamline/beamline/transforms/fold"
	"github.com/beamline/beamline/transforms/table"
	"github.com/beamline/beamline/transforms/wire"
)

// ByCategoryTable is the original mongodb_reader.py's result: the MongoDB
// sales collection (only it, like the original) per product.category.
var ByCategoryTable = table.New(table.Spark, "mongo_sales_by_category", "category",
	table.S("category"), table.I("total_transactions"), table.M("total_sales"))

// CubeTable is the cube of the unified sales over region × category ×
// month (yyyy-MM of sale_date) × source: every subtotal of the 16 grouping
// sets, a rolled-up dimension holding ALL. Rows are ordered dimension by
// dimension as text, ALL after every value, so the grand total is last.
var CubeTable = table.New(table.Spark, "mongo_sales_cube", "region, category, month, source (ALL after every value)",
	table.S("region"), table.S("category"), table.S("month"), table.S("source"),
	table.I("transactions"), table.I("quantity"), table.M("revenue"))

// CubeDims are the cube's dimensions, in CubeTable's order.
var CubeDims = []string{"region", "category", "month", "source"}

func init() {
	fold.Register[Categories, docs.Sale]()
	fold.Register[Cube, Block]()
	wire.Register(encodeCategories, decodeCategories)
	wire.Register(encodeCube, decodeCube)
	register.Function1x1(categoryRows)
	register.Function1x1(cubeRows)
}

// Categories accumulates sales documents per product.category.
type Categories struct{ Table cube.Table }

// Add adds one sale.
func (c *Categories) Add(s docs.Sale) {
	c.Table.Add(cube.Measures{Transactions: 1, Quantity: s.Quantity, Revenue: s.TotalAmount}, s.Category)
}

// Merge adds another accumulator's sales.
func (c *Categories) Merge(o Categories) { c.Table.Merge(o.Table) }

// Encode and Decode are the accumulator's binary form.
func (c *Categories) Encode(w *wire.Writer) { c.Table.Encode(w) }
func (c *Categories) Decode(r *wire.Reader) { c.Table.Decode(r) }

// SalesByCategory counts and sums the MongoDB sales (PCollection<docs.Sale>)
// per category, in category order: the original's one result.
func SalesByCategory(s beam.Scope, mongoSales beam.PCollection) beam.PCollection {
	s = s.Scope("unified.SalesByCategory")
	return beam.ParDo(s, categoryRows, fold.Over[Categories, docs.Sale](s, Categories{Table: cube.Table{Dims: 1}}, mongoSales))
}

func categoryRows(c Categories) table.Chunk {
	b := table.NewBuilder(ByCategoryTable)
	for _, cell := range c.Table.Base() {
		b.Text(cell.Values[0]).Int(cell.Transactions).Money(cell.Revenue).End()
	}
	return b.Chunk(0)
}

// Cube accumulates unified sales on the cube's base cells: one per
// (region, category, month, source) present.
type Cube struct{ Table cube.Table }

// Add adds a block of sales.
func (c *Cube) Add(b Block) {
	lastDate, month := calendar.Date(math.MinInt32), ""
	for i := range b.Rows {
		r := &b.Rows[i]
		if r.SaleDate != lastDate {
			lastDate, month = r.SaleDate, r.SaleDate.Month().String()
		}
		c.Table.Add(cube.Measures{Transactions: 1, Quantity: r.Quantity, Revenue: r.TotalAmount}, r.Region, r.Category, month, r.Source)
	}
}

// Merge adds another accumulator's sales.
func (c *Cube) Merge(o Cube) { c.Table.Merge(o.Table) }

// Encode and Decode are the accumulator's binary form.
func (c *Cube) Encode(w *wire.Writer) { c.Table.Encode(w) }
func (c *Cube) Decode(r *wire.Reader) { c.Table.Decode(r) }

// SalesCube computes CubeTable over the unified sales (PCollection<Block>).
// Every bundle folds its sales into base cells, the partials are merged
// into one small table, and one DoFn expands it to the 16 grouping sets:
// no sale is ever grouped or copied per grouping set.
func SalesCube(s beam.Scope, sales beam.PCollection) beam.PCollection {
	s = s.Scope("unified.SalesCube")
	base := fold.Over[Cube, Block](s, Cube{Table: cube.Table{Dims: len(CubeDims)}}, sales)
	return beam.ParDo(s, cubeRows, base)
}

func cubeRows(c Cube) table.Chunk {
	b := table.NewBuilder(CubeTable)
	for _, cell := range c.Table.Cube() {
		for _, v := range cell.Values {
			b.Text(v)
		}
		b.Int(cell.Transactions).Int(cell.Quantity).Money(cell.Revenue).End()
	}
	return b.Chunk(0)
}

func encodeCategories(v Categories) []byte          { return wire.Marshal(v) }
func decodeCategories(b []byte) (Categories, error) { return wire.Unmarshal[Categories](b) }
func encodeCube(v Cube) []byte                      { return wire.Marshal(v) }
func decodeCube(b []byte) (Cube, error)             { return wire.Unmarshal[Cube](b) }
