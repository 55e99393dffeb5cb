package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/beamline/beamline/transforms/money"
)

// Document files, in the form of the seeds in data/mongo: JSON arrays of
// Extended-JSON documents, for `ingest --docs`.
const (
	DocsDir           = "mongo"
	SalesDocsFile     = "sales.gen.json"
	CustomersDocsFile = "customers.gen.json"
)

// DocsReport says how many documents were written and how many of them
// are bad (each bad one has exactly one defect the loader must reject).
type DocsReport struct {
	Sales, BadSales         int64
	Customers, BadCustomers int64
}

var tiers = []string{"Platinum", "Gold", "Silver"}
var channels = []string{"online", "store", "mobile"}
var payments = []string{"Credit Card", "PayPal", "UPI"}

// WriteDocs writes n sales documents and the customers they name into
// dir/mongo, a share dirty of each bad. Transaction ids are MG<i>, customer
// ids MC<i>; the same seed gives the same files.
func WriteDocs(dir string, n int64, seed uint64, dirty float64) (DocsReport, error) {
	var rep DocsReport
	out := filepath.Join(dir, DocsDir)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return rep, err
	}
	r := rand.New(rand.NewPCG(seed, 0xd0c5))
	customers := max(1, n/4)
	day0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	err := writeArray(filepath.Join(out, SalesDocsFile), n, func(i int64) any {
		p := catalogue[r.IntN(len(catalogue))]
		qty := int64(1 + r.IntN(4))
		reg := regions[regionPick.index(r)]
		c := r.Int64N(customers)
		doc := map[string]any{
			"transaction_id": fmt.Sprintf("MG%d", i+1),
			"product":        map[string]any{"id": p.id, "name": p.name, "category": p.category, "brand": fmt.Sprintf("Brand %c", 'A'+r.IntN(8))},
			"sale_info": map[string]any{"quantity": qty, "unit_price": p.price.Float(),
				"total_amount": (p.price * money.Cents(qty)).Float(), "discount": 0.0, "tax": 0.0},
			"customer":       map[string]any{"id": fmt.Sprintf("MC%d", c+1), "name": fmt.Sprintf("Customer %d", c+1), "loyalty_tier": tiers[c%3]},
			"sale_date":      map[string]any{"$date": day0.AddDate(0, 0, r.IntN(600)).Format(time.RFC3339)},
			"location":       map[string]any{"region": reg.name, "country": "", "city": ""},
			"sales_rep":      reg.salespeople[sellerPick.index(r)],
			"payment_method": payments[r.IntN(3)],
			"status":         "completed",
			"metadata":       map[string]any{"source": channels[r.IntN(3)], "campaign": nil, "created_at": nil},
		}
		rep.Sales++
		if r.Float64() < dirty {
			rep.BadSales++
			switch r.IntN(3) {
			case 0:
				doc["sale_info"].(map[string]any)["quantity"] = "two"
			case 1:
				doc["sale_info"].(map[string]any)["total_amount"] = 0.01
			default:
				delete(doc["location"].(map[string]any), "region")
			}
		}
		return doc
	})
	if err != nil {
		return rep, err
	}
	err = writeArray(filepath.Join(out, CustomersDocsFile), customers, func(i int64) any {
		doc := map[string]any{
			"customer_id":       fmt.Sprintf("MC%d", i+1),
			"name":              fmt.Sprintf("Customer %d", i+1),
			"email":             fmt.Sprintf("customer%d@example.com", i+1),
			"loyalty_tier":      tiers[i%3],
			"address":           map[string]any{"country": "", "city": ""},
			"registration_date": map[string]any{"$date": day0.AddDate(0, 0, -r.IntN(700)).Format(time.RFC3339)},
			"marketing_consent": r.IntN(2) == 0,
		}
		rep.Customers++
		if r.Float64() < dirty {
			rep.BadCustomers++
			doc["email"] = "not-an-email"
		}
		return doc
	})
	return rep, err
}

func writeArray(file string, n int64, doc func(i int64) any) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("[\n")
	for i := int64(0); i < n; i++ {
		if i > 0 {
			w.WriteString(",\n")
		}
		b, err := json.Marshal(doc(i))
		if err != nil {
			f.Close()
			return err
		}
		w.Write(b)
	}
	w.WriteString("\n]\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
