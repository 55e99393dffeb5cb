package unified

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/csvio"
	"github.com/beamline/beamline/transforms/docs"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"

	_ "github.com/beamline/beamline/runners"
)

func TestMain(m *testing.M) { ptest.Main(m) }

func init() {
	register.Function1x1(chunkText)
	register.Function1x1(rejectsText)
}

func chunkText(c table.Chunk) string { return string(c.CSV) }

func rejectsText(b csvio.RejectBlock) string {
	var lines []string
	for _, r := range b.Rows {
		lines = append(lines, fmt.Sprintf("%d %s", r.Line, r.Reason))
	}
	return fmt.Sprintf("read %d: %s", b.Read, strings.Join(lines, "; "))
}

func date(s string) calendar.Date {
	d, err := calendar.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func mustBSON(t testing.TB, d bson.D) bson.Raw {
	t.Helper()
	b, err := bson.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dims are small dimensions: C1 is a known customer, csv:P1 and mongo:P1
// are different products, "Ann Lee" is an employee (twice: the lowest id
// wins).
func dims() Dims {
	var d Dims
	d.Customers.Add(docs.Customer{CustomerID: "C1", Name: "Ann", Email: "a@x", LoyaltyTier: "Gold", Country: "France"})
	d.Customers.Add(docs.Customer{CustomerID: "C2", Name: "Bo", Email: "b@x"}) // no tier, no country
	d.Products.Add(Product{Source: CSV, ProductID: "P1", Name: "Chair", Category: "Furniture", Brand: "Ergo"})
	d.Products.Add(Product{Source: Mongo, ProductID: "P1", Name: "Laptop", Category: "Electronics", Brand: "GameTech"})
	d.Departments.Add(records.EmployeeBlock{Rows: []records.Employee{
		{ID: 9, Name: "Ann Lee", Department: "Sales"}, {ID: 3, Name: "Ann Lee", Department: "Marketing"}, {ID: 4, Name: "Bo Yu", Department: "IT"}}})
	return d
}

func csvSale(tx, customer, product, salesperson string) records.Sale {
	return records.Sale{TransactionID: tx, ProductID: product, ProductName: "Prod " + product, Category: "Furniture",
		Quantity: 2, UnitPrice: 10_00, TotalAmount: 20_00, CustomerID: customer, CustomerName: "Name " + customer,
		SaleDate: date("2024-08-01"), Region: "Europe", Salesperson: salesperson}
}

func docSale(tx, customer, product string) docs.Sale {
	return docs.Sale{TransactionID: tx, ProductID: product, ProductName: "Laptop", Category: "Electronics", Brand: "DocBrand",
		Quantity: 1, UnitPrice: 5_00, TotalAmount: 5_00, CustomerID: customer, CustomerName: "Doc " + customer, LoyaltyTier: "Silver",
		SaleDate: date("2024-09-02"), Region: "Asia", Country: "India", SalesRep: "Ann Lee"}
}

func fromCSV(d Dims, r records.Sale) Sale { return d.FromCSV(&r) }
func fromDoc(d Dims, s docs.Sale) Sale    { return d.FromDoc(&s) }

func TestEnrichment(t *testing.T) {
	d := dims()
	tests := []struct {
		name string
		got  Sale
		want string // brand|tier|country|customer_name|salesperson|department
	}{
		{"csv, known customer and product", fromCSV(d, csvSale("T1", "C1", "P1", "Ann Lee")), "Ergo|Gold|France|Name C1|Ann Lee|Marketing"},
		{"csv, unknown everything", fromCSV(d, csvSale("T2", "C9", "P9", "ann lee")), "|||Name C9|ann lee|"},
		{"mongo, dimensions win", fromDoc(d, docSale("M1", "C1", "P1")), "GameTech|Gold|France|Doc C1|Ann Lee|Marketing"},
		{"mongo, the document fills gaps", fromDoc(d, docSale("M2", "C2", "P7")), "DocBrand|Silver|India|Doc C2|Ann Lee|Marketing"},
		{"mongo, unknown customer", fromDoc(d, docSale("M3", "C9", "P1")), "GameTech|Silver|India|Doc C9|Ann Lee|Marketing"},
	}
	for _, tt := range tests {
		g := tt.got
		if got := strings.Join([]string{g.Brand, g.LoyaltyTier, g.Country, g.CustomerName, g.Salesperson, g.Department}, "|"); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	s := docSale("M4", "C1", "P1")
	s.CustomerName = ""
	if got := d.FromDoc(&s); got.CustomerName != "Ann" || got.Source != Mongo || got.Region != "Asia" || got.TotalAmount != 5_00 {
		t.Errorf("a document without customer.name takes the customers collection's: %+v", got)
	}
}

// TestPipeline runs the transforms the mongo pipeline chains: documents
// validated (one bad), the dimensions, the join of both sources, and the
// by-category and cube results.
func TestPipeline(t *testing.T) {
	sale := func(tx, category string, qty int64, price float64, customer, product string) bson.Raw {
		return mustBSON(t, bson.D{
			{Key: "_id", Value: tx}, {Key: "transaction_id", Value: tx},
			{Key: "product", Value: bson.D{{Key: "id", Value: product}, {Key: "name", Value: "Item " + product}, {Key: "category", Value: category}}},
			{Key: "sale_info", Value: bson.D{{Key: "quantity", Value: qty}, {Key: "unit_price", Value: price}, {Key: "total_amount", Value: price * float64(qty)}}},
			{Key: "customer", Value: bson.D{{Key: "id", Value: customer}, {Key: "loyalty_tier", Value: "Silver"}}},
			{Key: "sale_date", Value: "2024-09-02"},
			{Key: "location", Value: bson.D{{Key: "region", Value: "Asia"}, {Key: "country", Value: "India"}}},
			{Key: "sales_rep", Value: "Ann Lee"},
		})
	}
	bad := mustBSON(t, bson.D{{Key: "transaction_id", Value: "BAD"}, {Key: "sale_info", Value: bson.D{{Key: "quantity", Value: "two"}}}})
	salesDocs := []any{[]byte(sale("M1", "Electronics", 2, 10.25, "C1", "P1")), []byte(bad), []byte(sale("M2", "Books", 1, 3, "C9", "P2"))}
	customerDocs := []any{[]byte(mustBSON(t, bson.D{{Key: "customer_id", Value: "C1"}, {Key: "name", Value: "Ann"}, {Key: "email", Value: "a@x"}, {Key: "loyalty_tier", Value: "Gold"}}))}
	productDocs := []any{[]byte(mustBSON(t, bson.D{{Key: "source", Value: "mongo"}, {Key: "product_id", Value: "P1"}, {Key: "name", Value: "L"}, {Key: "category", Value: "Electronics"}, {Key: "brand", Value: "GameTech"}}))}

	p, s := beam.NewPipelineWithRoot()
	mongoSales, salesRejects := ParseSales(s, "sales", beam.Create(s, salesDocs...))
	customers, _ := ParseCustomers(s, "customers", beam.Create(s, customerDocs...))
	products, productRejects := ParseProducts(s, "products", beam.Create(s, productDocs...))
	employees := beam.Create(s, records.EmployeeBlock{Rows: []records.Employee{{ID: 1, Name: "Ann Lee", Age: 30, City: "X", Salary: 1_00, Department: "Sales", HireDate: date("2020-01-01"), Status: "Active"}}})
	csvSales := beam.Create(s, records.SaleBlock{Seq: 0, Rows: []records.Sale{csvSale("T1", "C1", "P1", "Bo")}})

	passert.Equals(s, beam.ParDo(s, rejectsText, salesRejects),
		"read 3: 2 product.id: missing value", "read 0: ")
	passert.Equals(s, beam.ParDo(s, rejectsText, productRejects), "read 1: ", "read 0: ")

	unified := Join(s, csvSales, mongoSales, Dimensions(s, customers, products, employees))
	rows := beam.ParDo(s, chunkText, Rows(s, unified))
	passert.Equals(s, beam.ParDo(s, splitLines, rows),
		"T1,csv,2024-08-01,Europe,,Furniture,P1,Prod P1,,2,10.00,20.00,C1,Name C1,Gold,Bo,",
		"M1,mongo,2024-09-02,Asia,India,Electronics,P1,Item P1,GameTech,2,10.25,20.50,C1,Ann,Gold,Ann Lee,Sales",
		"M2,mongo,2024-09-02,Asia,India,Books,P2,Item P2,,1,3.00,3.00,C9,,Silver,Ann Lee,Sales")
	passert.Equals(s, beam.ParDo(s, chunkText, SalesByCategory(s, mongoSales)), "Books,1,3.00\nElectronics,1,20.50\n")
	cube := beam.ParDo(s, chunkText, SalesCube(s, unified))
	passert.True(s, cube, cubeOK)
	ptest.RunAndValidate(t, p)
}

// cubeOK checks the small cube of TestPipeline: the grand total last, and a
// subtotal of each source.
func cubeOK(text string) bool {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	return len(lines) == 39 && lines[len(lines)-1] == "ALL,ALL,ALL,ALL,3,5,43.50" &&
		slices.Contains(lines, "Asia,ALL,2024-09,mongo,2,3,23.50") && slices.Contains(lines, "ALL,Furniture,ALL,ALL,1,2,20.00")
}

func init() {
	register.Emitter1[string]()
	register.Function2x0(splitLines)
	register.Function1x1(cubeOK)
}

func splitLines(text string, emit func(string)) {
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		emit(l)
	}
}
