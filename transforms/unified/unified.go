// Package unified is the cross-platform view of the sales that the
// original's mongodb_reader.py claimed and never built: the CSV sales and
// the MongoDB sales documents as one table, each sale enriched from the
// small dimensions — the customers and products collections and the
// employees file — read as side inputs, never by shuffling the sales. It
// also holds what is computed over that view: the original's totals per
// category of the MongoDB sales, and a cube of the unified sales.
package unified

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/docs"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
)

// The sources of a unified sale.
const (
	CSV   = "csv"   // a row of sales_data.csv
	Mongo = "mongo" // a document of the MongoDB sales collection
)

// SalesTable is the unified view, one row per sale of either source.
var SalesTable = table.New(table.Spark, "mongo_unified_sales", "",
	table.S("transaction_id"), table.S("source"), table.T("sale_date"), table.S("region"), table.S("country"),
	table.S("category"), table.S("product_id"), table.S("product_name"), table.S("brand"), table.I("quantity"),
	table.M("unit_price"), table.M("total_amount"), table.S("customer_id"), table.S("customer_name"),
	table.S("loyalty_tier"), table.S("salesperson"), table.S("salesperson_department"))

func init() {
	register.Function2x1(joinCSV)
	register.DoFn4x0[beam.EventTime, docs.Sale, Dims, func(beam.EventTime, Block)](&joinDocsFn{})
	register.Emitter2[beam.EventTime, Block]()
	register.Function1x1(salesRows)
}

// Sale is one sale of the unified view.
type Sale struct {
	TransactionID string
	Source        string // CSV or Mongo
	SaleDate      calendar.Date
	Region        string
	Country       string
	Category      string
	ProductID     string
	ProductName   string
	Brand         string
	Quantity      int64
	UnitPrice     money.Cents
	TotalAmount   money.Cents
	CustomerID    string
	CustomerName  string
	LoyaltyTier   string
	Salesperson   string
	Department    string // the salesperson's, from the employees file
}

// Block is a batch of unified sales: a CSV block's rows, or a batch of
// MongoDB documents.
type Block struct {
	// Seq orders blocks: a CSV block keeps its reader's Seq; MongoDB batches
	// count from MongoSeq, after every CSV block.
	Seq  int64
	Rows []Sale
}

// MongoSeq is the first Seq of the MongoDB batches: above any CSV block's
// (file index << 32 | block index).
const MongoSeq = 1 << 62

// BatchRows is the most MongoDB sales a Block holds.
const BatchRows = 4096

// FromCSV returns a CSV sale in the unified view: loyalty tier and country
// from the customers collection, brand from the products collection's csv
// entry for its product_id, department from the employees file.
func (d *Dims) FromCSV(r *records.Sale) Sale {
	c := d.Customers.ByID[r.CustomerID]
	return Sale{
		TransactionID: r.TransactionID, Source: CSV, SaleDate: r.SaleDate, Region: r.Region, Country: c.Country,
		Category: r.Category, ProductID: r.ProductID, ProductName: r.ProductName, Brand: d.Products.Brand(CSV, r.ProductID),
		Quantity: r.Quantity, UnitPrice: r.UnitPrice, TotalAmount: r.TotalAmount,
		CustomerID: r.CustomerID, CustomerName: r.CustomerName, LoyaltyTier: c.LoyaltyTier,
		Salesperson: r.Salesperson, Department: d.Departments.Of(r.Salesperson),
	}
}

// FromDoc returns a MongoDB sale in the unified view. The dimensions win;
// the document's own values fill what they lack: its customer.loyalty_tier,
// location.country, product.brand and customer.name (and the customers
// collection's name when the document has none). Its salesperson is
// sales_rep.
func (d *Dims) FromDoc(s *docs.Sale) Sale {
	c := d.Customers.ByID[s.CustomerID]
	return Sale{
		TransactionID: s.TransactionID, Source: Mongo, SaleDate: s.SaleDate, Region: s.Region, Country: or(c.Country, s.Country),
		Category: s.Category, ProductID: s.ProductID, ProductName: s.ProductName, Brand: or(d.Products.Brand(Mongo, s.ProductID), s.Brand),
		Quantity: s.Quantity, UnitPrice: s.UnitPrice, TotalAmount: s.TotalAmount,
		CustomerID: s.CustomerID, CustomerName: or(s.CustomerName, c.Name), LoyaltyTier: or(c.LoyaltyTier, s.LoyaltyTier),
		Salesperson: s.SalesRep, Department: d.Departments.Of(s.SalesRep),
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Join puts the CSV sales (PCollection<records.SaleBlock>) and the MongoDB
// sales (PCollection<docs.Sale>) into the unified view, each sale enriched
// from dims (Dimensions' PCollection<Dims>, a side input). It returns
// PCollection<Block>: one per CSV block, and the documents in batches of at
// most BatchRows per bundle. Nothing is grouped: every sale stays where it
// was read.
func Join(s beam.Scope, csvSales, mongoSales, dims beam.PCollection) beam.PCollection {
	s = s.Scope("unified.Join")
	fromCSV := beam.ParDo(s, joinCSV, csvSales, beam.SideInput{Input: dims})
	fromMongo := beam.ParDo(s, &joinDocsFn{}, mongoSales, beam.SideInput{Input: dims})
	return beam.Flatten(s, fromCSV, fromMongo)
}

func joinCSV(b records.SaleBlock, d Dims) Block {
	out := Block{Seq: b.Seq, Rows: make([]Sale, len(b.Rows))}
	for i := range b.Rows {
		out.Rows[i] = d.FromCSV(&b.Rows[i])
	}
	return out
}

// joinDocsFn enriches MongoDB sales and batches them per bundle. A batch
// is emitted at the earliest event time of its documents (see
// transforms/fold on why not FinishBundle's default).
type joinDocsFn struct {
	batch []Sale
	ts    beam.EventTime
	n     int64
}

func (f *joinDocsFn) StartBundle(_ Dims, _ func(beam.EventTime, Block)) {
	f.batch, f.n = nil, 0
}

func (f *joinDocsFn) ProcessElement(ts beam.EventTime, s docs.Sale, d Dims, emit func(beam.EventTime, Block)) {
	if len(f.batch) == 0 || ts < f.ts {
		f.ts = ts
	}
	f.batch = append(f.batch, d.FromDoc(&s))
	if len(f.batch) == BatchRows {
		f.flush(emit)
	}
}

func (f *joinDocsFn) FinishBundle(_ Dims, emit func(beam.EventTime, Block)) {
	f.flush(emit)
}

func (f *joinDocsFn) flush(emit func(beam.EventTime, Block)) {
	if len(f.batch) == 0 {
		return
	}
	emit(f.ts, Block{Seq: MongoSeq + f.n, Rows: f.batch})
	f.batch = nil
	f.n++
}

// Rows formats the unified sales (PCollection<Block>) as the rows of
// SalesTable, one chunk per block, in the block's order.
func Rows(s beam.Scope, sales beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("unified.Rows"), salesRows, sales)
}

func salesRows(blk Block) table.Chunk {
	b := table.NewBuilder(SalesTable)
	b.Grow(len(blk.Rows) * 200)
	for i := range blk.Rows {
		r := &blk.Rows[i]
		b.Text(r.TransactionID).Text(r.Source).Date(r.SaleDate).Text(r.Region).Text(r.Country).
			Text(r.Category).Text(r.ProductID).Text(r.ProductName).Text(r.Brand).Int(r.Quantity).
			Money(r.UnitPrice).Money(r.TotalAmount).Text(r.CustomerID).Text(r.CustomerName).
			Text(r.LoyaltyTier).Text(r.Salesperson).Text(r.Department).End()
	}
	return b.Chunk(blk.Seq)
}
