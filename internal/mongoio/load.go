package mongoio

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/progress"
	"github.com/beamline/beamline/transforms/csvio"
	"github.com/beamline/beamline/transforms/docs"
	"github.com/beamline/beamline/transforms/products"
)

func init() {
	register.DoFn4x1[context.Context, []byte, func(csvio.RejectBlock), func(products.Seen), error](&loadFn{})
	register.Emitter1[csvio.RejectBlock]()
	register.DoFn2x1[context.Context, products.Catalogue, error](&writeProductsFn{})
}

// Load validates the Extended-JSON documents in files, for collection
// ("sales" or "customers"), and writes the valid ones to MongoDB keyed by
// transaction_id or customer_id, replacing documents with the same key —
// loading twice gives the same collection. The files are read one after
// the other in one step, so that a key's first valid occurrence wins.
// It returns PCollection<csvio.RejectBlock> (one per file) and the product
// variants the sales documents show (PCollection<products.Seen>).
func Load(s beam.Scope, uri, collection string, files []string) (rejects, seen beam.PCollection) {
	s = s.Scope("mongoio.Load." + collection)
	rejects, seen = beam.ParDo2(s, &loadFn{URI: uri, Collection: collection, Files: files}, beam.Impulse(s))
	return rejects, seen
}

type loadFn struct {
	URI        string
	Collection string
	Files      []string
}

// validated is one document accepted for loading.
type validated struct {
	key  string
	doc  bson.D
	sale docs.Sale
}

func (f *loadFn) validate(text []byte) (validated, string) {
	raw, reason := docs.Doc(text)
	if reason != "" {
		return validated{}, reason
	}
	var v validated
	switch f.Collection {
	case mongostore.Sales:
		v.sale, reason = docs.ParseSale(raw)
		v.key = v.sale.TransactionID
	case mongostore.Customers:
		var c docs.Customer
		c, reason = docs.ParseCustomer(raw)
		v.key = c.CustomerID
	default:
		return v, "collection " + f.Collection + " cannot be loaded"
	}
	if reason != "" {
		return v, reason
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return v, "document: " + err.Error()
	}
	v.doc = append(bson.D{{Key: "_id", Value: v.key}}, withoutID(d)...)
	return v, ""
}

func withoutID(d bson.D) bson.D {
	out := d[:0:0]
	for _, e := range d {
		if e.Key != "_id" {
			out = append(out, e)
		}
	}
	return out
}

func (f *loadFn) keyName() string {
	if f.Collection == mongostore.Customers {
		return "customer_id"
	}
	return "transaction_id"
}

func (f *loadFn) ProcessElement(ctx context.Context, _ []byte, emitRejects func(csvio.RejectBlock),
	emitSeen func(products.Seen)) error {
	st, err := mongostore.Shared(ctx, f.URI)
	if err != nil {
		return err
	}
	first := map[string]bool{}
	seen := map[products.Seen]int64{}
	var batch []any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := st.Replace(ctx, f.Collection, batch)
		batch = batch[:0]
		return err
	}
	for i, file := range f.Files {
		block := csvio.RejectBlock{File: file, Seq: int64(i)}
		err := readFile(ctx, file, func(line int64, text []byte) error {
			block.Read++
			progress.Read.Add(1)
			v, reason := f.validate(text)
			if reason == "" && first[v.key] {
				reason = "duplicate " + f.keyName() + ": " + strconv.Quote(v.key)
			}
			if reason != "" {
				block.Rows = append(block.Rows, csvio.Reject{Line: line, Reason: reason, Raw: rawText(text)})
				return nil
			}
			first[v.key] = true
			if f.Collection == mongostore.Sales {
				s := v.sale
				seen[products.Seen{Source: products.Mongo, ID: s.ProductID, Name: s.ProductName, Category: s.Category, Brand: s.Brand}]++
			}
			batch = append(batch, v.doc)
			if len(batch) >= mongostore.BatchSize {
				return flush()
			}
			return nil
		})
		if err != nil {
			return err
		}
		emitRejects(block)
	}
	if err := flush(); err != nil {
		return err
	}
	for s, n := range seen {
		s.Sales = n
		emitSeen(s)
	}
	return nil
}

// readFile reads the documents of one file through Beam's filesystems
// (local or hdfs://).
func readFile(ctx context.Context, file string, fn func(line int64, text []byte) error) error {
	fs, err := filesystem.New(ctx, file)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, file)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	defer r.Close()
	if err := docs.Read(r, fn); err != nil && err != io.EOF {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// rawText is a rejected document's text as the rejects keep it.
func rawText(text []byte) string {
	if len(text) > csvio.MaxRawBytes {
		text = text[:csvio.MaxRawBytes]
	}
	s := string(text)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// WriteProducts writes the catalogue's products to the products
// collection, keyed "source:product_id".
func WriteProducts(s beam.Scope, uri string, catalogue beam.PCollection) {
	beam.ParDo0(s.Scope("mongoio.WriteProducts"), &writeProductsFn{URI: uri}, catalogue)
}

type writeProductsFn struct{ URI string }

func (f *writeProductsFn) ProcessElement(ctx context.Context, c products.Catalogue) error {
	st, err := mongostore.Shared(ctx, f.URI)
	if err != nil {
		return err
	}
	var out []any
	for _, p := range c.Products() {
		doc, err := bson.Marshal(p)
		if err != nil {
			return err
		}
		var d bson.D
		if err := bson.Unmarshal(doc, &d); err != nil {
			return err
		}
		out = append(out, append(bson.D{{Key: "_id", Value: p.Key()}}, d...))
	}
	return st.Replace(ctx, mongostore.Products, out)
}
