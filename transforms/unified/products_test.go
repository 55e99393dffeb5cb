package unified

import (
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

func TestParseProduct(t *testing.T) {
	good := bson.D{{Key: "_id", Value: "csv:P101"}, {Key: "source", Value: "csv"}, {Key: "product_id", Value: " P101 "},
		{Key: "name", Value: "Laptop Pro"}, {Key: "category", Value: "Electronics"}, {Key: "brand", Value: "ProBook"}}
	p, reason := ParseProduct(mustBSON(t, good))
	if reason != "" || p != (Product{Source: "csv", ProductID: "P101", Name: "Laptop Pro", Category: "Electronics", Brand: "ProBook"}) {
		t.Errorf("ParseProduct = %+v, %q", p, reason)
	}
	with := func(key string, v any) bson.D {
		d := bson.D{}
		for _, e := range good {
			if e.Key == key {
				if v == nil {
					continue
				}
				e.Value = v
			}
			d = append(d, e)
		}
		return d
	}
	tests := []struct {
		doc  bson.D
		want string
	}{
		{with("source", "sap"), `source: not one of csv, mongo: "sap"`},
		{with("source", nil), `source: missing value`},
		{with("product_id", 101), `product_id: not a string: "{\"$numberInt\":\"101\"}"`},
		{with("product_id", "  "), `product_id: missing value`},
		{with("name", nil), `name: missing value`},
		{with("category", ""), `category: missing value`},
		{with("brand", true), `brand: not a string: "true"`},
		{with("source", "sap")[:2], `source: not one of csv, mongo: "sap"`}, // the first failure wins
	}
	for _, tt := range tests {
		if _, got := ParseProduct(mustBSON(t, tt.doc)); got != tt.want {
			t.Errorf("ParseProduct(%v) reason = %q, want %q", tt.doc, got, tt.want)
		}
	}
	if p, reason := ParseProduct(mustBSON(t, with("brand", nil))); reason != "" || p.Brand != "" {
		t.Errorf("a product without a brand is valid: %+v %q", p, reason)
	}
}
