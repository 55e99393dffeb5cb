package mongostore_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/mongotest"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Main(m)) }

func TestReplaceIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s := mongotest.Store(t)
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	var docs []any
	for i := 0; i < 120; i++ { // more than two batches, re-written: FerretDB's deadlock case
		docs = append(docs, bson.D{{Key: "_id", Value: i}, {Key: "v", Value: i * 2}})
	}
	for round := 0; round < 2; round++ {
		if err := s.Replace(ctx, "things", docs); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.DB.Collection("things").CountDocuments(ctx, bson.D{})
	if err != nil || n != 120 {
		t.Fatalf("count = %d, %v; want 120", n, err)
	}
	if err := s.DeleteIDs(ctx, "things", []any{0, 1, 2}); err != nil {
		t.Fatal(err)
	}
	colls, err := s.Collections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if colls["things"] != 117 {
		t.Fatalf("collections = %v; want things: 117", colls)
	}
	for _, c := range []string{mongostore.Sales, mongostore.Customers, mongostore.Products, mongostore.Runs, mongostore.Results} {
		if _, ok := colls[c]; !ok {
			t.Errorf("EnsureIndexes did not create collection %s (have %v)", c, colls)
		}
	}
}

func TestUniqueIndexes(t *testing.T) {
	ctx := context.Background()
	s := mongotest.Store(t)
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(ctx); err != nil { // idempotent
		t.Fatal(err)
	}
	c := s.DB.Collection(mongostore.Customers)
	if _, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "C1"}, {Key: "customer_id", Value: "C1"}, {Key: "email", Value: "a@x"}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "C2"}, {Key: "customer_id", Value: "C2"}, {Key: "email", Value: "a@x"}})
	if err == nil {
		t.Fatal("a second customer with the same email was accepted")
	}
}

func TestUnreachableServerFailsFast(t *testing.T) {
	old := mongostore.ConnectTimeout
	mongostore.ConnectTimeout = 500_000_000
	defer func() { mongostore.ConnectTimeout = old }()
	_, err := mongostore.Connect(context.Background(), "mongodb://admin:secret@127.0.0.1:1/bigdata")
	if err == nil {
		t.Fatal("connected to a closed port")
	}
	if strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("error should name the server without its password: %v", err)
	}
}

func TestURIAndDatabase(t *testing.T) {
	t.Setenv(mongostore.EnvURI, "mongodb://env:27017")
	if got := mongostore.URI(""); got != "mongodb://env:27017" {
		t.Fatalf("URI from env = %q", got)
	}
	if got := mongostore.URI("mongodb://flag:1"); got != "mongodb://flag:1" {
		t.Fatalf("flag should win: %q", got)
	}
	if _, err := mongostore.Connect(context.Background(), "http://x"); err == nil || !strings.Contains(err.Error(), "mongodb://") {
		t.Fatalf("bad scheme error = %v", err)
	}
	if got := mongostore.Redact("mongodb://u:p@h:1/db"); got != "mongodb://u:xxxxx@h:1/db" {
		t.Fatalf("Redact = %q", got)
	}
}
