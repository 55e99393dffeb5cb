package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/internal/publish"
)

// TestSeedMongo loads the committed seed documents (data/mongo) with the
// reference CSV: both seed sets' 5 sales and the 2 customers land keyed by
// their ids, the products catalogue holds every product of both sources
// keyed by source, P201/P202's double use is listed as a conflict, the
// original's indexes exist, and loading twice gives the same collections.
func TestSeedMongo(t *testing.T) {
	ctx := context.Background()
	uri := mongotest.URI(t)
	bin := pipelinetest.Build(t, "./pipelines/ingest")
	repo := pipelinetest.Repo()
	input, out := t.TempDir(), t.TempDir()
	args := []string{"--from", filepath.Join(repo, "data/input"), "--input", input, "--output", out,
		"--docs", filepath.Join(repo, "data/mongo"), "--mongo-uri", uri}
	var first map[string][]string
	for round := 0; round < 2; round++ {
		r := pipelinetest.MustRun(t, bin, args...)
		for _, want := range []string{"mongo_sales: read 5, clean 5, rejected 0", "mongo_customers: read 2, clean 2, rejected 0", "published run"} {
			if !strings.Contains(r.Stdout, want) {
				t.Fatalf("round %d: summary lacks %q:\n%s", round, want, r.Stdout)
			}
		}
		got := collections(t, uri)
		if round == 0 {
			first = got
		} else if strings.Join(flat(got), "|") != strings.Join(flat(first), "|") {
			t.Fatalf("loading twice changed the collections:\n%v\n%v", first, got)
		}
	}
	if ids := first[mongostore.Sales]; strings.Join(ids, ",") != "M001,M002,MONGO_T001,MONGO_T002,MONGO_T003" {
		t.Errorf("sales ids = %v", ids)
	}
	if ids := first[mongostore.Customers]; strings.Join(ids, ",") != "C201,C202" {
		t.Errorf("customers ids = %v", ids)
	}
	prods := first[mongostore.Products]
	// the CSV's distinct products plus the documents' 5
	csvProducts := distinctColumn(t, filepath.Join(repo, "data/input/sales_data.csv"), 1)
	if len(prods) != len(csvProducts)+5 {
		t.Errorf("products = %d (%v), want %d csv + 5 mongo", len(prods), prods, len(csvProducts))
	}
	for _, id := range []string{"csv:P201", "mongo:P201", "csv:P101", "mongo:P203"} {
		if !contains(prods, id) {
			t.Errorf("products lack %s: %v", id, prods)
		}
	}
	s, err := mongostore.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var p bson.M
	if err := s.DB.Collection(mongostore.Products).FindOne(ctx, bson.D{{Key: "_id", Value: "mongo:P201"}}).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if p["name"] != "Laptop Gaming" || p["brand"] != "GameTech" || p["source"] != "mongo" {
		t.Errorf("mongo:P201 = %v", p)
	}
	m, conflicts := pipelinetest.Dataset(t, out, "spark/product_conflicts")
	ids := pipelinetest.Column(t, m, conflicts, "product_id")
	if !contains(ids, "P201") || !contains(ids, "P202") {
		t.Errorf("product_conflicts ids = %v", ids)
	}
	for _, id := range ids {
		if id == "P101" {
			t.Errorf("P101 is only in the CSV and should not conflict: %v", conflicts)
		}
	}
	// the original's indexes (spec §2.3)
	for coll, want := range map[string][]string{
		mongostore.Sales:     {"sale_date_1", "location.region_1", "product.category_1", "customer.loyalty_tier_1"},
		mongostore.Customers: {"customer_id_1", "email_1", "loyalty_tier_1"},
	} {
		names := indexNames(t, s, coll)
		for _, w := range want {
			if !contains(names, w) {
				t.Errorf("%s lacks index %s: %v", coll, w, names)
			}
		}
	}
	// the run is recorded and its datasets (rejects, conflicts) published
	cat, err := publish.Catalogue(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, d := range cat {
		paths = append(paths, d.Path)
	}
	if !contains(paths, "spark/product_conflicts") || !contains(paths, "rejects/ingest/mongo_sales") {
		t.Errorf("published = %v", paths)
	}
}

// TestSeedRejectsBadDocuments: a bad document goes to the rejects with its
// line and a reason naming the field; the good ones load.
func TestSeedRejectsBadDocuments(t *testing.T) {
	uri := mongotest.URI(t)
	docs, from, input, out := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(from, "sales_data.csv"), []byte(strings.Join([]string{
		"transaction_id,product_id,product_name,category,quantity,unit_price,total_amount,customer_id,customer_name,sale_date,region,salesperson",
		"T1,P1,Desk,Furniture,1,10.00,10.00,C1,Ann,2024-08-05,Asia,Jo"}, "\n")+"\n"), 0o644)
	sales := `[
  {"transaction_id": "A", "product": {"id": "P9", "name": "Pen", "category": "Office"},
   "sale_info": {"quantity": 2, "unit_price": 1.5, "total_amount": 3.0},
   "customer": {"id": "C1"}, "sale_date": {"$date": "2024-08-30T00:00:00Z"}, "location": {"region": "Asia"}},
  {"transaction_id": "B", "product": {"id": "P9", "name": "Pen", "category": "Office"},
   "sale_info": {"quantity": "two", "unit_price": 1.5, "total_amount": 3.0},
   "customer": {"id": "C1"}, "sale_date": {"$date": "2024-08-30T00:00:00Z"}, "location": {"region": "Asia"}},
  {"transaction_id": "A", "product": {"id": "P9", "name": "Pen", "category": "Office"},
   "sale_info": {"quantity": 2, "unit_price": 1.5, "total_amount": 3.0},
   "customer": {"id": "C1"}, "sale_date": {"$date": "2024-08-30T00:00:00Z"}, "location": {"region": "Asia"}},
  {"transaction_id": "C", "product": {"id": "P9", "name": "Pen", "category": "Office"},
   "sale_info": {"quantity": 2, "unit_price": 1.5, "total_amount": 4.0},
   "customer": {"id": "C1"}, "sale_date": "2024-02-30", "location": {"region": "Asia"}},
  "not an object"
]`
	os.WriteFile(filepath.Join(docs, "sales.json"), []byte(sales), 0o644)
	os.WriteFile(filepath.Join(docs, "customers.json"), []byte(`{"customer_id": "C1", "name": "Ann", "email": "no-at-sign"}
{"customer_id": "C2", "name": "Bo", "email": "bo@x.org", "loyalty_tier": "Gold"}
`), 0o644)
	bin := pipelinetest.Build(t, "./pipelines/ingest")
	r := pipelinetest.MustRun(t, bin, "--from", from, "--input", input, "--output", out, "--docs", docs, "--mongo-uri", uri)
	for _, want := range []string{"mongo_sales: read 5, clean 1, rejected 4", "mongo_customers: read 2, clean 1, rejected 1"} {
		if !strings.Contains(r.Stdout, want) {
			t.Fatalf("summary lacks %q:\n%s", want, r.Stdout)
		}
	}
	_, rows := pipelinetest.Dataset(t, out, "rejects/ingest/mongo_sales")
	var got []string
	for _, row := range rows {
		got = append(got, row[0]+": "+row[1])
	}
	for i, prefix := range []string{"5: sale_info.quantity: not an integer", `8: duplicate transaction_id: "A"`,
		"11: sale_info.total_amount mismatch", "14: document: not a JSON object"} {
		if i >= len(got) || !strings.HasPrefix(got[i], prefix) {
			t.Errorf("reject %d = %q, want prefix %q (all: %q)", i, at(got, i), prefix, got)
		}
	}
	_, crows := pipelinetest.Dataset(t, out, "rejects/ingest/mongo_customers")
	if len(crows) != 1 || crows[0][0] != "1" || !strings.HasPrefix(crows[0][1], "email: not an email address") {
		t.Errorf("customer rejects = %q", crows)
	}
	if got := collections(t, uri)[mongostore.Sales]; strings.Join(got, ",") != "A" {
		t.Errorf("sales loaded = %v", got)
	}
}

func TestDocsNeedMongo(t *testing.T) {
	t.Setenv(mongostore.EnvURI, "")
	bin := pipelinetest.Build(t, "./pipelines/ingest")
	repo := pipelinetest.Repo()
	r := pipelinetest.Run(t, bin, "--from", filepath.Join(repo, "data/input"), "--input", t.TempDir(), "--output", t.TempDir(),
		"--docs", filepath.Join(repo, "data/mongo"))
	if r.Code != 2 || !strings.Contains(r.Stderr, "--mongo-uri") {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

func collections(t *testing.T, uri string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	s, err := mongostore.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := map[string][]string{}
	for _, c := range []string{mongostore.Sales, mongostore.Customers, mongostore.Products} {
		cur, err := s.DB.Collection(c).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.M
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			out[c] = append(out[c], d["_id"].(string))
		}
		sort.Strings(out[c])
	}
	return out
}

func flat(m map[string][]string) []string {
	var out []string
	for _, k := range []string{mongostore.Sales, mongostore.Customers, mongostore.Products} {
		out = append(out, k+"="+strings.Join(m[k], ","))
	}
	return out
}

func indexNames(t *testing.T, s *mongostore.Store, coll string) []string {
	t.Helper()
	cur, err := s.DB.Collection(coll).Indexes().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ix []bson.M
	if err := cur.All(context.Background(), &ix); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, i := range ix {
		names = append(names, i["name"].(string))
	}
	return names
}

func distinctColumn(t *testing.T, file string, col int) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		out[strings.Split(line, ",")[col]] = true
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
