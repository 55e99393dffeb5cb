package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/internal/results"
)

func TestMain(m *testing.M) {
	code := mongotest.Main(m)
	pipelinetest.Cleanup()
	os.Exit(code)
}

// The hand-made catalogue: the CSV's P201 (an office chair) and MongoDB's
// P201 (a laptop) are different products; mongo:P202 overrides the brand
// its sales document carries; the last document is invalid.
var productDocs = []bson.D{
	{{Key: "_id", Value: "mongo:P201"}, {Key: "source", Value: "mongo"}, {Key: "product_id", Value: "P201"}, {Key: "name", Value: "Laptop Gaming"}, {Key: "category", Value: "Electronics"}, {Key: "brand", Value: "GameTech"}},
	{{Key: "_id", Value: "mongo:P202"}, {Key: "source", Value: "mongo"}, {Key: "product_id", Value: "P202"}, {Key: "name", Value: "Mechanical Keyboard"}, {Key: "category", Value: "Electronics"}, {Key: "brand", Value: "KeyMaster Pro"}},
	{{Key: "_id", Value: "csv:P201"}, {Key: "source", Value: "csv"}, {Key: "product_id", Value: "P201"}, {Key: "name", Value: "Office Chair"}, {Key: "category", Value: "Furniture"}, {Key: "brand", Value: "ErgoSeat"}},
	{{Key: "_id", Value: "csv:P101"}, {Key: "source", Value: "csv"}, {Key: "product_id", Value: "P101"}, {Key: "name", Value: "Laptop Pro"}, {Key: "category", Value: "Electronics"}, {Key: "brand", Value: "ProBook"}},
	{{Key: "_id", Value: "sap:P1"}, {Key: "source", Value: "sap"}, {Key: "product_id", Value: "P1"}, {Key: "name", Value: "Widget"}, {Key: "category", Value: "Misc"}},
}

// A customer of the CSV sales (so that CSV rows are enriched too), and an
// invalid one.
const extraCustomers = `[
 {"customer_id": "C001", "name": "Alice Johnson", "email": "alice@example.com", "loyalty_tier": "Gold", "address": {"city": "Boston", "country": "USA"}},
 {"customer_id": "C999", "name": "No Mail", "email": "nomail", "loyalty_tier": "Silver"}
]`

// A sales document whose quantity is text.
const badSale = `[{"transaction_id": "MONGO_BAD", "product": {"id": "P201", "name": "Laptop Gaming", "category": "Electronics"},
 "sale_info": {"quantity": "two", "unit_price": 10.0, "total_amount": 20.0}, "customer": {"id": "C201", "name": "Alexandre Dubois"},
 "sale_date": {"$date": "2024-08-30T00:00:00Z"}, "location": {"region": "Europe", "country": "France"}}]`

// TestMongoPipeline seeds the reference documents (data/mongo), a small
// catalogue and one bad document per collection, runs the pipeline on them
// and the reference CSV, and checks every dataset against figures computed
// here from the seed files alone (encoding/json, encoding/csv, integer
// cents).
func TestMongoPipeline(t *testing.T) {
	ctx := context.Background()
	repo := pipelinetest.Repo()
	uri := mongotest.URI(t)
	st, err := mongostore.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	saleFiles, _ := filepath.Glob(filepath.Join(repo, "data/mongo/sales.*.json"))
	var saleTexts []json.RawMessage
	for _, f := range saleFiles {
		saleTexts = append(saleTexts, jsonArray(t, readFile(t, f))...)
	}
	custTexts := jsonArray(t, readFile(t, filepath.Join(repo, "data/mongo/customers.load-data.json")))
	custTexts = append(custTexts, jsonArray(t, []byte(extraCustomers))...)
	insert(t, st, mongostore.Sales, "transaction_id", append(append([]json.RawMessage(nil), saleTexts...), jsonArray(t, []byte(badSale))...))
	insert(t, st, mongostore.Customers, "customer_id", custTexts)
	var prods []any
	for _, d := range productDocs {
		prods = append(prods, d)
	}
	if _, err := st.DB.Collection(mongostore.Products).InsertMany(ctx, prods); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, st)

	out := t.TempDir()
	bin := pipelinetest.Build(t, "./pipelines/mongo")
	r := pipelinetest.MustRun(t, bin, "--input", filepath.Join(repo, "data/input"), "--output", out, "--mongo-uri", uri)
	for _, want := range []string{
		"sales: read 50, clean 50, rejected 0", "employees: read 50, clean 50, rejected 0",
		"mongo_sales: read 6, clean 5, rejected 1", "mongo_customers: read 4, clean 3, rejected 1",
		"mongo_products: read 5, clean 4, rejected 1", "wrote 3 datasets to " + filepath.Join(out, "spark"),
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.Stdout)
		}
	}

	t.Run("collections unchanged", func(t *testing.T) {
		after := snapshot(t, st)
		for _, c := range []string{mongostore.Sales, mongostore.Customers, mongostore.Products} {
			if len(after[c]) != len(before[c]) || strings.Join(after[c], "\n") != strings.Join(before[c], "\n") {
				t.Errorf("%s: %d documents before, %d after, or changed", c, len(before[c]), len(after[c]))
			}
		}
		if len(before[mongostore.Sales]) != 6 {
			t.Errorf("seeded %d sales", len(before[mongostore.Sales]))
		}
	})

	t.Run("rejects", func(t *testing.T) {
		for _, c := range []struct{ dataset, reason, raw string }{
			{"mongo_sales", `sale_info.quantity: not an integer: `, `"MONGO_BAD"`},
			{"mongo_customers", `email: not an email address: "nomail"`, `"C999"`},
			{"mongo_products", `source: not one of csv, mongo: "sap"`, `"sap:P1"`},
		} {
			_, rows := pipelinetest.Dataset(t, out, "rejects/mongo/"+c.dataset)
			if len(rows) != 1 {
				t.Errorf("%s: %d rejects, want 1: %v", c.dataset, len(rows), rows)
				continue
			}
			line, _ := strconv.Atoi(rows[0][0])
			if line < 1 || !strings.HasPrefix(rows[0][1], c.reason) || !strings.Contains(rows[0][2], c.raw) {
				t.Errorf("%s reject = %q, want line ≥ 1, reason %q…, raw with %s", c.dataset, rows[0], c.reason, c.raw)
			}
		}
		_, rows := pipelinetest.Dataset(t, out, "rejects/mongo/mongo_sales")
		if len(rows) == 1 && !strings.Contains(rows[0][2], `"quantity":"two"`) {
			t.Errorf("raw is not the document as relaxed Extended JSON: %s", rows[0][2])
		}
	})

	t.Run("mongo_sales_by_category", func(t *testing.T) {
		_, rows := pipelinetest.Dataset(t, out, "spark/mongo_sales_by_category")
		if got := fmt.Sprint(rows); got != "[[Electronics 5 4778.95]]" {
			t.Errorf("rows = %s, want [[Electronics 5 4778.95]]", got)
		}
	})

	want := expectedSales(t, repo, saleTexts, custTexts)
	t.Run("mongo_unified_sales", func(t *testing.T) {
		m, rows := pipelinetest.Dataset(t, out, "spark/mongo_unified_sales")
		if got := strings.Join(header(m), ","); got != strings.Join(unifiedColumns, ",") {
			t.Fatalf("columns %s", got)
		}
		sources := map[string]int{}
		got := map[string][]string{}
		for _, row := range rows {
			sources[row[1]]++
			w, ok := want[row[0]]
			if !ok || got[row[0]] != nil {
				t.Errorf("unexpected or repeated row %q", row)
				continue
			}
			got[row[0]] = row
			if strings.Join(row, "|") != strings.Join(w.row(), "|") {
				t.Errorf("row %s:\n got %q\nwant %q", row[0], row, w.row())
			}
		}
		if sources["csv"] != 50 || sources["mongo"] != 5 || len(rows) != 55 {
			t.Errorf("%d rows by source %v, want 50 csv + 5 mongo", len(rows), sources)
		}
		// The enrichment, spelled out for a few sales.
		for tx, fields := range map[string]string{
			"MONGO_T001": "GameTech|Platinum|France", // products and customers collections
			"MONGO_T002": "KeyMaster Pro|Gold|Spain", // the catalogue's brand wins over the document's
			"MONGO_T003": "PixelPro|Silver|India",    // not in either collection: the document's own
			"M001":       "TechCorp|Gold|Spain",
			"T001":       "ProBook|Gold|USA", // csv:P101, customer C001
			"T004":       "ErgoSeat||",       // csv:P201, not MongoDB's GameTech laptop
		} {
			if r := got[tx]; r == nil || r[8]+"|"+r[14]+"|"+r[4] != fields {
				t.Errorf("%s: brand|loyalty_tier|country of %q, want %s", tx, r, fields)
			}
		}
	})

	t.Run("mongo_sales_cube", func(t *testing.T) {
		m, rows := pipelinetest.Dataset(t, out, "spark/mongo_sales_cube")
		if got := strings.Join(header(m), ","); got != "region,category,month,source,transactions,quantity,revenue" {
			t.Fatalf("columns %s", got)
		}
		cube := expectedCube(want)
		if len(rows) != len(cube) {
			t.Errorf("%d rows, want %d", len(rows), len(cube))
		}
		for i, row := range rows {
			k := [4]string(row[:4])
			if w, ok := cube[k]; !ok || fmt.Sprintf("%d,%d,%s", w.n, w.qty, money(w.cents)) != strings.Join(row[4:], ",") {
				t.Errorf("row %q, want %+v", row, w)
			}
			if i > 0 && !cubeLess(rows[i-1], row) {
				t.Errorf("rows %d and %d out of order: %q, %q", i-1, i, rows[i-1], row)
			}
		}
		var csvCents, mongoCents int64
		for _, s := range want {
			if s.Source == "csv" {
				csvCents += s.Total
			} else {
				mongoCents += s.Total
			}
		}
		if csvCents != 2761928 || mongoCents != 477895 {
			t.Errorf("the seed totals are %d and %d cents, want 27619.28 and 4778.95", csvCents, mongoCents)
		}
		total := "ALL,ALL,ALL,ALL,55,79," + money(csvCents+mongoCents)
		if len(rows) == 0 || strings.Join(rows[len(rows)-1], ",") != total {
			t.Errorf("last row is not the grand total %s", total)
		}
		for _, sub := range []string{
			"ALL,ALL,ALL,mongo,5,7,4778.95",
			"ALL,ALL,ALL,csv,50,72,27619.28",
			"ALL,Electronics,2024-09,mongo,1,2,1799.00",
			"Asia,Electronics,2024-08,mongo,1,1,699.99",
		} {
			found := false
			for _, row := range rows {
				found = found || strings.Join(row, ",") == sub
			}
			if !found {
				t.Errorf("no subtotal %s", sub)
			}
		}
	})
}

// TestMongoEmptyCollections: with none of the collections present (the
// original never filled products), every input still reports its counts,
// the unified view holds the CSV sales and the cube their totals.
func TestMongoEmptyCollections(t *testing.T) {
	repo := pipelinetest.Repo()
	out := t.TempDir()
	bin := pipelinetest.Build(t, "./pipelines/mongo")
	r := pipelinetest.MustRun(t, bin, "--input", filepath.Join(repo, "data/input"), "--output", out, "--mongo-uri", mongotest.URI(t))
	for _, want := range []string{"mongo_sales: read 0, clean 0, rejected 0", "mongo_customers: read 0, clean 0, rejected 0", "mongo_products: read 0, clean 0, rejected 0"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.Stdout)
		}
	}
	if _, rows := pipelinetest.Dataset(t, out, "spark/mongo_sales_by_category"); len(rows) != 0 {
		t.Errorf("by category: %v", rows)
	}
	if _, rows := pipelinetest.Dataset(t, out, "spark/mongo_unified_sales"); len(rows) != 50 {
		t.Errorf("unified: %d rows", len(rows))
	}
	_, rows := pipelinetest.Dataset(t, out, "spark/mongo_sales_cube")
	if len(rows) == 0 || strings.Join(rows[len(rows)-1], ",") != "ALL,ALL,ALL,ALL,50,72,27619.28" {
		t.Errorf("cube grand total: %v", rows[len(rows)-1:])
	}
}

// TestMongoRequiresAURI: without --mongo-uri or $MONGODB_URI the pipeline
// refuses to start, exit 2, saying what is missing.
func TestMongoRequiresAURI(t *testing.T) {
	t.Setenv(mongostore.EnvURI, "")
	out := t.TempDir()
	r := pipelinetest.Run(t, pipelinetest.Build(t, "./pipelines/mongo"), "--input", filepath.Join(pipelinetest.Repo(), "data/input"), "--output", out)
	if r.Code != 2 || !strings.Contains(r.Stderr, "mongo: the mongo pipeline reads MongoDB: give --mongo-uri or set MONGODB_URI") {
		t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("the refused run wrote %d entries to the output", len(entries))
	}
}

var unifiedColumns = []string{"transaction_id", "source", "sale_date", "region", "country", "category", "product_id",
	"product_name", "brand", "quantity", "unit_price", "total_amount", "customer_id", "customer_name", "loyalty_tier",
	"salesperson", "salesperson_department"}

// sale is an expected row of mongo_unified_sales.
type sale struct {
	TransactionID, Source, Date, Region, Country, Category, ProductID, ProductName, Brand string
	Qty, Price, Total                                                                     int64
	CustomerID, CustomerName, LoyaltyTier, Salesperson, Department                        string
}

func (s sale) row() []string {
	return []string{s.TransactionID, s.Source, s.Date, s.Region, s.Country, s.Category, s.ProductID, s.ProductName,
		s.Brand, strconv.FormatInt(s.Qty, 10), money(s.Price), money(s.Total), s.CustomerID, s.CustomerName,
		s.LoyaltyTier, s.Salesperson, s.Department}
}

// expectedSales computes the unified view from the seed files: the valid
// documents' values, the catalogue above, the CSV files.
func expectedSales(t *testing.T, repo string, saleTexts, custTexts []json.RawMessage) map[string]sale {
	type customer struct {
		CustomerID  string `json:"customer_id"`
		Name        string
		Email       string
		LoyaltyTier string `json:"loyalty_tier"`
		Address     struct{ Country string }
	}
	customers := map[string]customer{}
	for _, text := range custTexts {
		var c customer
		if err := json.Unmarshal(text, &c); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(c.Email, "@") {
			customers[c.CustomerID] = c
		}
	}
	brands := map[string]string{}
	for _, d := range productDocs {
		if src := field(d, "source"); src == "csv" || src == "mongo" {
			b, _ := field(d, "brand").(string)
			brands[src.(string)+"/"+field(d, "product_id").(string)] = b
		}
	}
	// Employees by exact name; the lowest id wins a shared name.
	departments := map[string]string{}
	ids := map[string]int{}
	for _, e := range readCSV(t, filepath.Join(repo, "data/input/sample_data.csv")) {
		id, _ := strconv.Atoi(e["id"])
		if old, ok := ids[e["name"]]; !ok || id < old {
			ids[e["name"]], departments[e["name"]] = id, e["department"]
		}
	}
	or := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	out := map[string]sale{}
	for _, r := range readCSV(t, filepath.Join(repo, "data/input/sales_data.csv")) {
		c := customers[r["customer_id"]]
		q, _ := strconv.ParseInt(r["quantity"], 10, 64)
		out[r["transaction_id"]] = sale{
			TransactionID: r["transaction_id"], Source: "csv", Date: r["sale_date"], Region: r["region"], Country: c.Address.Country,
			Category: r["category"], ProductID: r["product_id"], ProductName: r["product_name"], Brand: brands["csv/"+r["product_id"]],
			Qty: q, Price: cents(t, r["unit_price"]), Total: cents(t, r["total_amount"]), CustomerID: r["customer_id"],
			CustomerName: r["customer_name"], LoyaltyTier: c.LoyaltyTier, Salesperson: r["salesperson"], Department: departments[r["salesperson"]],
		}
	}
	type saleDoc struct {
		TransactionID string `json:"transaction_id"`
		Product       struct{ ID, Name, Category, Brand string }
		SaleInfo      struct {
			Quantity    int64   `json:"quantity"`
			UnitPrice   float64 `json:"unit_price"`
			TotalAmount float64 `json:"total_amount"`
		} `json:"sale_info"`
		Customer struct {
			ID, Name    string
			LoyaltyTier string `json:"loyalty_tier"`
		}
		SaleDate struct {
			Date string `json:"$date"`
		} `json:"sale_date"`
		Location struct{ Region, Country string }
		SalesRep string `json:"sales_rep"`
	}
	for _, text := range saleTexts {
		var d saleDoc
		if err := json.Unmarshal(text, &d); err != nil {
			t.Fatal(err)
		}
		c := customers[d.Customer.ID]
		out[d.TransactionID] = sale{
			TransactionID: d.TransactionID, Source: "mongo", Date: d.SaleDate.Date[:10], Region: d.Location.Region,
			Country: or(c.Address.Country, d.Location.Country), Category: d.Product.Category, ProductID: d.Product.ID,
			ProductName: d.Product.Name, Brand: or(brands["mongo/"+d.Product.ID], d.Product.Brand), Qty: d.SaleInfo.Quantity,
			Price: int64(math.Round(d.SaleInfo.UnitPrice * 100)), Total: int64(math.Round(d.SaleInfo.TotalAmount * 100)),
			CustomerID: d.Customer.ID, CustomerName: d.Customer.Name, LoyaltyTier: or(c.LoyaltyTier, d.Customer.LoyaltyTier),
			Salesperson: d.SalesRep, Department: departments[d.SalesRep],
		}
	}
	if len(out) != 55 {
		t.Fatalf("the seed holds %d distinct sales, want 55", len(out))
	}
	return out
}

type totals struct{ n, qty, cents int64 }

// expectedCube sums the sales into every grouping set of region, category,
// month and source.
func expectedCube(sales map[string]sale) map[[4]string]totals {
	out := map[[4]string]totals{}
	for _, s := range sales {
		dims := [4]string{s.Region, s.Category, s.Date[:7], s.Source}
		for mask := 0; mask < 16; mask++ {
			var k [4]string
			for i := range k {
				k[i] = dims[i]
				if mask&(1<<i) != 0 {
					k[i] = "ALL"
				}
			}
			t := out[k]
			t.n, t.qty, t.cents = t.n+1, t.qty+s.Qty, t.cents+s.Total
			out[k] = t
		}
	}
	return out
}

// cubeLess is the cube's documented order: dimension by dimension, ALL
// after every value (no real value here is "ALL").
func cubeLess(a, b []string) bool {
	for i := 0; i < 4; i++ {
		if a[i] == b[i] {
			continue
		}
		if a[i] == "ALL" || b[i] == "ALL" {
			return b[i] == "ALL"
		}
		return a[i] < b[i]
	}
	return false
}

func header(m results.Meta) []string {
	var h []string
	for _, c := range m.Columns {
		h = append(h, c.Name)
	}
	return h
}

// field returns the value of a document's top-level field.
func field(d bson.D, key string) any {
	for _, e := range d {
		if e.Key == key {
			return e.Value
		}
	}
	return nil
}

// cents reads a plain decimal amount as integer cents.
func cents(t *testing.T, s string) int64 {
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return v
}

func money(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

func readFile(t *testing.T, name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readCSV(t *testing.T, name string) []map[string]string {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func jsonArray(t *testing.T, b []byte) []json.RawMessage {
	var out []json.RawMessage
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// insert inserts Extended-JSON documents into coll, each with _id set to
// its key field.
func insert(t *testing.T, st *mongostore.Store, coll, key string, texts []json.RawMessage) {
	var docs []any
	for _, text := range texts {
		var d bson.D
		if err := bson.UnmarshalExtJSON(text, false, &d); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		doc := bson.D{{Key: "_id", Value: field(d, key)}}
		for _, e := range d {
			if e.Key != "_id" {
				doc = append(doc, e)
			}
		}
		docs = append(docs, doc)
	}
	if _, err := st.DB.Collection(coll).InsertMany(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
}

// snapshot returns every document of the source collections as Extended
// JSON, sorted.
func snapshot(t *testing.T, st *mongostore.Store) map[string][]string {
	ctx := context.Background()
	out := map[string][]string{}
	for _, c := range []string{mongostore.Sales, mongostore.Customers, mongostore.Products} {
		cur, err := st.DB.Collection(c).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		for cur.Next(ctx) {
			out[c] = append(out[c], cur.Current.String())
		}
		if err := cur.Err(); err != nil {
			t.Fatal(err)
		}
		cur.Close(ctx)
		sort.Strings(out[c])
	}
	return out
}
