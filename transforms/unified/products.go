package unified

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
)

// Product is a validated products document: the catalogue the original
// dropped and never filled, keyed by the source whose product_id it
// describes (the CSV's P201 is an office chair, MongoDB's a laptop).
//
//	{_id: "csv:P101", source: "csv", product_id: "P101", name, category, brand}
type Product struct {
	Source    string // csv or mongo
	ProductID string
	Name      string
	Category  string
	Brand     string // optional
}

// ParseProduct validates a products document: source one of csv and mongo;
// product_id, name and category non-empty strings; brand a string when
// present. A rejected document gets the first failing field's reason, in
// that order, worded like the sales and customers documents' reasons.
func ParseProduct(doc bson.Raw) (Product, string) {
	var p Product
	f := productFields{doc: doc}
	p.Source = f.text("source")
	if f.reason == "" && p.Source != CSV && p.Source != Mongo {
		f.reason = "source: not one of " + CSV + ", " + Mongo + ": " + strconv.Quote(p.Source)
	}
	p.ProductID = f.text("product_id")
	p.Name = f.text("name")
	p.Category = f.text("category")
	p.Brand, _ = f.optional("brand")
	return p, f.reason
}

// productFields reads a document's top-level string fields, keeping the
// first failure as the reason.
type productFields struct {
	doc    bson.Raw
	reason string
}

// optional returns a trimmed string field and whether it is present (not
// absent or null); present, it must be a string of valid UTF-8.
func (f *productFields) optional(key string) (string, bool) {
	if f.reason != "" {
		return "", false
	}
	v, err := f.doc.LookupErr(key)
	if err != nil || v.Type == bsontype.Null || v.Type == bsontype.Undefined {
		return "", false
	}
	s, ok := v.StringValueOK()
	switch {
	case !ok:
		f.reason = fmt.Sprintf("%s: not a string: %s", key, strconv.Quote(v.String()))
	case !utf8.ValidString(s):
		f.reason = fmt.Sprintf("%s: invalid UTF-8: %s", key, strconv.Quote(strings.ToValidUTF8(s, "\uFFFD")))
	default:
		return strings.TrimSpace(s), true
	}
	return "", false
}

// text returns a required, non-empty string field.
func (f *productFields) text(key string) string {
	s, ok := f.optional(key)
	if f.reason == "" && (!ok || s == "") {
		f.reason = key + ": missing value"
	}
	return s
}
