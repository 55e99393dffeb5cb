package unified

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/transforms/csvio"
	"github.com/beamline/beamline/transforms/docs"
)

func init() {
	register.DoFn4x0[beam.EventTime, []byte, func(beam.EventTime, docs.Sale), func(beam.EventTime, csvio.RejectBlock)](&parseFn[docs.Sale, saleDoc]{})
	register.DoFn4x0[beam.EventTime, []byte, func(beam.EventTime, docs.Customer), func(beam.EventTime, csvio.RejectBlock)](&parseFn[docs.Customer, customerDoc]{})
	register.DoFn4x0[beam.EventTime, []byte, func(beam.EventTime, Product), func(beam.EventTime, csvio.RejectBlock)](&parseFn[Product, productDoc]{})
	register.Emitter2[beam.EventTime, docs.Sale]()
	register.Emitter2[beam.EventTime, docs.Customer]()
	register.Emitter2[beam.EventTime, Product]()
	register.Emitter2[beam.EventTime, csvio.RejectBlock]()
}

// ParseSales validates MongoDB sales documents (PCollection<[]byte> of
// BSON, as mongoio.Read gives them) with docs.ParseSale. It returns
// PCollection<docs.Sale> and the PCollection<csvio.RejectBlock> of the
// rejects and counts, for job.WriteRejects: a rejected document's line is
// its position in the order the collection was read (1..n), its raw text
// the document as relaxed Extended JSON.
func ParseSales(s beam.Scope, collection string, col beam.PCollection) (clean, rejects beam.PCollection) {
	return parse[docs.Sale, saleDoc](s.Scope("unified.ParseSales"), collection, col)
}

// ParseCustomers validates customers documents with docs.ParseCustomer, like
// ParseSales: PCollection<docs.Customer> and the rejects.
func ParseCustomers(s beam.Scope, collection string, col beam.PCollection) (clean, rejects beam.PCollection) {
	return parse[docs.Customer, customerDoc](s.Scope("unified.ParseCustomers"), collection, col)
}

// ParseProducts validates products documents with ParseProduct, like
// ParseSales: PCollection<Product> and the rejects.
func ParseProducts(s beam.Scope, collection string, col beam.PCollection) (clean, rejects beam.PCollection) {
	return parse[Product, productDoc](s.Scope("unified.ParseProducts"), collection, col)
}

func parse[T any, P parser[T]](s beam.Scope, collection string, col beam.PCollection) (clean, rejects beam.PCollection) {
	clean, rejects = beam.ParDo2(s, &parseFn[T, P]{Collection: collection}, col)
	// Counts exist even for a collection that is empty or never read in a
	// bundle of its own: a block that read nothing.
	none := beam.Create(s, csvio.RejectBlock{File: source(collection)})
	return clean, beam.Flatten(s, rejects, none)
}

// source names a collection as the rejects' source (the file of a CSV
// reject).
func source(collection string) string { return "mongodb:" + collection }

// parser validates one kind of document.
type parser[T any] interface {
	parse(bson.Raw) (T, string)
}

type saleDoc struct{}

func (saleDoc) parse(d bson.Raw) (docs.Sale, string) { return docs.ParseSale(d) }

type customerDoc struct{}

func (customerDoc) parse(d bson.Raw) (docs.Customer, string) { return docs.ParseCustomer(d) }

type productDoc struct{}

func (productDoc) parse(d bson.Raw) (Product, string) { return ParseProduct(d) }

// parseFn validates documents: the clean ones are emitted as they come,
// the rejects and the count of documents read once per bundle, in one
// RejectBlock emitted at the bundle's earliest event time (see
// transforms/fold on why not FinishBundle's default). Positions count
// within a bundle: mongoio.Read emits a whole collection from one element,
// so its bundle holds every document.
type parseFn[T any, P parser[T]] struct {
	Collection string

	read    int64
	rejects []csvio.Reject
	ts      beam.EventTime
}

func (f *parseFn[T, P]) StartBundle(func(beam.EventTime, T), func(beam.EventTime, csvio.RejectBlock)) {
	f.read, f.rejects = 0, nil
}

func (f *parseFn[T, P]) ProcessElement(ts beam.EventTime, doc []byte, clean func(beam.EventTime, T), _ func(beam.EventTime, csvio.RejectBlock)) {
	if f.read == 0 || ts < f.ts {
		f.ts = ts
	}
	f.read++
	raw := bson.Raw(doc)
	if err := raw.Validate(); err != nil {
		f.reject("document: not valid BSON: "+err.Error(), raw)
		return
	}
	var p P
	v, reason := p.parse(raw)
	if reason != "" {
		f.reject(reason, raw)
		return
	}
	clean(ts, v)
}

func (f *parseFn[T, P]) reject(reason string, doc bson.Raw) {
	f.rejects = append(f.rejects, csvio.Reject{Line: f.read, Reason: reason, Raw: RawText(doc)})
}

func (f *parseFn[T, P]) FinishBundle(_ func(beam.EventTime, T), rejects func(beam.EventTime, csvio.RejectBlock)) {
	if f.read > 0 {
		rejects(f.ts, csvio.RejectBlock{File: source(f.Collection), Read: f.read, Rows: f.rejects})
	}
	f.read, f.rejects = 0, nil
}

// RawText is a document as relaxed Extended JSON, for the rejects' raw
// column: cut after csvio.MaxRawBytes like a rejected CSV row, with the
// number of bytes left out. A document that is not valid BSON is described
// by its size.
func RawText(doc bson.Raw) string {
	js, err := bson.MarshalExtJSON(doc, false, false)
	if err != nil {
		return "(" + strconv.Itoa(len(doc)) + " bytes that are not a BSON document)"
	}
	text := string(js)
	if len(text) <= csvio.MaxRawBytes {
		return text
	}
	n := csvio.MaxRawBytes
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return strings.ToValidUTF8(text[:n], "\uFFFD") + "…[truncated " + strconv.Itoa(len(text)-n) + " bytes]"
}
