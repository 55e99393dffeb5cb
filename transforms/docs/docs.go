// Package docs is the document side of the data: the MongoDB sales and
// customers documents of the original (spec §2.3), read from Extended-JSON
// files or from MongoDB, and validated field by field like CSV rows, with
// one reason per rejected document naming the field.
package docs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
)

// Sale is a validated sales document.
type Sale struct {
	TransactionID string
	ProductID     string
	ProductName   string
	Category      string
	Brand         string
	Quantity      int64
	UnitPrice     money.Cents
	TotalAmount   money.Cents
	CustomerID    string
	CustomerName  string
	LoyaltyTier   string
	SaleDate      calendar.Date
	Region        string
	Country       string
	City          string
	SalesRep      string
	Channel       string // metadata.source: online, store or mobile
}

// Customer is a validated customer document.
type Customer struct {
	CustomerID  string
	Name        string
	Email       string
	LoyaltyTier string
	Country     string
	City        string
}

// LoyaltyTiers are the tiers the original uses.
var LoyaltyTiers = []string{"Platinum", "Gold", "Silver"}

// fields reads a document's fields, keeping the first failure as the reason.
type fields struct {
	doc    bson.Raw
	reason string
}

func (f *fields) fail(path, what string, v any) {
	if rv, ok := v.(bson.RawValue); ok {
		if str, ok := rv.StringValueOK(); ok {
			v = str // the string itself, not its JSON form
		}
	}
	if f.reason == "" {
		f.reason = fmt.Sprintf("%s: %s: %s", path, what, strconv.Quote(fmt.Sprint(v)))
	}
}

func (f *fields) missing(path string) {
	if f.reason == "" {
		f.reason = path + ": missing value"
	}
}

func (f *fields) lookup(path string) (bson.RawValue, bool) {
	if f.reason != "" {
		return bson.RawValue{}, false
	}
	v, err := f.doc.LookupErr(strings.Split(path, ".")...)
	if err != nil || v.Type == bsontype.Null || v.Type == bsontype.Undefined {
		return v, false
	}
	return v, true
}

// text is a required string field.
func (f *fields) text(path string) string {
	s, ok := f.optional(path)
	if ok && s == "" {
		f.missing(path)
	} else if !ok && f.reason == "" {
		f.missing(path)
	}
	return s
}

// optional is a string field that may be absent; present, it must be a
// string of valid UTF-8.
func (f *fields) optional(path string) (string, bool) {
	v, ok := f.lookup(path)
	if !ok {
		return "", false
	}
	s, isStr := v.StringValueOK()
	if !isStr {
		f.fail(path, "not a string", v)
		return "", false
	}
	if !utf8.ValidString(s) {
		f.fail(path, "invalid UTF-8", strings.ToValidUTF8(s, "\uFFFD"))
		return "", false
	}
	return strings.TrimSpace(s), true
}

// integer is a required whole number (int32, int64 or an integral double).
func (f *fields) integer(path string, lo int64) int64 {
	v, ok := f.lookup(path)
	if !ok {
		f.missing(path)
		return 0
	}
	var n int64
	switch v.Type {
	case bsontype.Int32:
		n = int64(v.Int32())
	case bsontype.Int64:
		n = v.Int64()
	case bsontype.Double:
		d := v.Double()
		if d != float64(int64(d)) {
			f.fail(path, "not an integer", d)
			return 0
		}
		n = int64(d)
	default:
		f.fail(path, "not an integer", v)
		return 0
	}
	if n < lo {
		f.fail(path, "must be >= "+strconv.FormatInt(lo, 10), n)
	}
	return n
}

// amount is a required amount of money with at most two decimals.
func (f *fields) amount(path string, zeroOK bool) money.Cents {
	v, ok := f.lookup(path)
	if !ok {
		f.missing(path)
		return 0
	}
	var text string
	switch v.Type {
	case bsontype.Double:
		text = strconv.FormatFloat(v.Double(), 'f', -1, 64)
	case bsontype.Int32, bsontype.Int64:
		text = strconv.FormatInt(v.AsInt64(), 10)
	case bsontype.Decimal128:
		text = v.Decimal128().String()
	default:
		f.fail(path, "not a number", v)
		return 0
	}
	c, err := money.Parse(text)
	switch {
	case err != nil:
		f.fail(path, err.Error(), text)
	case zeroOK && c < 0:
		f.fail(path, "must be >= 0", text)
	case !zeroOK && c <= 0:
		f.fail(path, "must be > 0", text)
	}
	return c
}

// date is a required date: a BSON date, or a yyyy-MM-dd string. Dates are
// taken in UTC.
func (f *fields) date(path string) calendar.Date {
	v, ok := f.lookup(path)
	if !ok {
		f.missing(path)
		return 0
	}
	switch v.Type {
	case bsontype.DateTime:
		t := time.UnixMilli(v.DateTime()).UTC()
		return calendar.FromYMD(t.Year(), int(t.Month()), t.Day())
	case bsontype.String:
		d, err := calendar.Parse(v.StringValue())
		if err != nil {
			f.fail(path, err.Error(), v.StringValue())
		}
		return d
	}
	f.fail(path, "not a date", v)
	return 0
}

func (f *fields) oneOf(path, s string, allowed []string) {
	if f.reason != "" || s == "" {
		return
	}
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	f.fail(path, "not one of "+strings.Join(allowed, ", "), s)
}

// ParseSale validates a sales document. A rejected document gets the first
// failing field's reason, in the order of the fields in spec §2.3.
func ParseSale(doc bson.Raw) (Sale, string) {
	f := &fields{doc: doc}
	var s Sale
	s.TransactionID = f.text("transaction_id")
	s.ProductID = f.text("product.id")
	s.ProductName = f.text("product.name")
	s.Category = f.text("product.category")
	s.Brand, _ = f.optional("product.brand")
	s.Quantity = f.integer("sale_info.quantity", 1)
	s.UnitPrice = f.amount("sale_info.unit_price", false)
	s.TotalAmount = f.amount("sale_info.total_amount", true)
	if f.reason == "" {
		if want, ok := s.UnitPrice.Times(s.Quantity); !ok || want != s.TotalAmount {
			f.reason = fmt.Sprintf("sale_info.total_amount mismatch: %q is not %d x %s = %s",
				s.TotalAmount.String(), s.Quantity, s.UnitPrice.String(), want.String())
		}
	}
	s.CustomerID = f.text("customer.id")
	s.CustomerName, _ = f.optional("customer.name")
	s.LoyaltyTier, _ = f.optional("customer.loyalty_tier")
	f.oneOf("customer.loyalty_tier", s.LoyaltyTier, LoyaltyTiers)
	s.SaleDate = f.date("sale_date")
	s.Region = f.text("location.region")
	s.Country, _ = f.optional("location.country")
	s.City, _ = f.optional("location.city")
	s.SalesRep, _ = f.optional("sales_rep")
	s.Channel, _ = f.optional("metadata.source")
	return s, f.reason
}

// ParseCustomer validates a customer document.
func ParseCustomer(doc bson.Raw) (Customer, string) {
	f := &fields{doc: doc}
	var c Customer
	c.CustomerID = f.text("customer_id")
	c.Name = f.text("name")
	c.Email = f.text("email")
	if f.reason == "" && !strings.Contains(c.Email, "@") {
		f.fail("email", "not an email address", c.Email)
	}
	c.LoyaltyTier, _ = f.optional("loyalty_tier")
	f.oneOf("loyalty_tier", c.LoyaltyTier, LoyaltyTiers)
	c.Country, _ = f.optional("address.country")
	c.City, _ = f.optional("address.city")
	return c, f.reason
}

// MaxDocBytes is the largest document read: MongoDB's own limit.
const MaxDocBytes = 16 << 20

// ErrSyntax marks a file that is not JSON: the documents after the error
// cannot be read.
var ErrSyntax = errors.New("not valid JSON")

// Read reads Extended-JSON documents — a JSON array of them, or one after
// another (mongoexport's form) — and calls fn with each document's first
// line and its text. It finds where each value ends by its brackets and
// quotes, so a document with bad JSON inside is passed to fn (for Doc to
// reject) and the reading goes on; only a file whose brackets never close
// ends with an error wrapping ErrSyntax that names the line.
func Read(r io.Reader, fn func(line int64, text []byte) error) error {
	sc := &scanner{r: bufio.NewReaderSize(r, 64<<10), line: 1}
	c, err := sc.skip()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	array := c == '['
	if array {
		sc.r.ReadByte()
	}
	for {
		c, err := sc.skip()
		if err == io.EOF {
			if array {
				return fmt.Errorf("line %d: %w: the array is not closed", sc.line, ErrSyntax)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if array && c == ']' {
			sc.r.ReadByte()
			if c, err := sc.skip(); err != io.EOF {
				return fmt.Errorf("line %d: %w: %q after the closing ]", sc.line, ErrSyntax, c)
			}
			return nil
		}
		line := sc.line
		text, err := sc.value()
		if err != nil {
			return err
		}
		if err := fn(line, text); err != nil {
			return err
		}
	}
}

// scanner splits a stream of JSON values, counting lines.
type scanner struct {
	r    *bufio.Reader
	line int64
	buf  []byte
}

// skip skips spaces and commas and returns the next byte, unread.
func (s *scanner) skip() (byte, error) {
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case '\n':
			s.line++
		case ' ', '\t', '\r', ',':
		default:
			s.r.UnreadByte()
			return c, nil
		}
	}
}

// value reads one JSON value: an object or array up to its closing bracket
// (outside strings), or a scalar up to the next separator.
func (s *scanner) value() ([]byte, error) {
	s.buf = s.buf[:0]
	start := s.line
	depth, inString, escaped := 0, false, false
	for {
		c, err := s.r.ReadByte()
		if err == io.EOF {
			if depth == 0 && !inString && len(s.buf) > 0 {
				return s.buf, nil
			}
			return nil, fmt.Errorf("line %d: %w: the document starting here is not closed", start, ErrSyntax)
		}
		if err != nil {
			return nil, err
		}
		if len(s.buf) < MaxDocBytes+1 {
			s.buf = append(s.buf, c)
		}
		if c == '\n' {
			s.line++
		}
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return s.buf, nil
			}
			if depth < 0 { // a scalar followed by the array's end
				s.r.UnreadByte()
				return s.buf[:len(s.buf)-1], nil
			}
		case depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t'):
			return s.buf[:len(s.buf)-1], nil
		}
	}
}

// Doc converts a document's Extended JSON to BSON, or says why it cannot.
func Doc(text []byte) (bson.Raw, string) {
	if len(bytes.TrimSpace(text)) == 0 || bytes.TrimSpace(text)[0] != '{' {
		return nil, "document: not a JSON object"
	}
	if len(text) >= MaxDocBytes {
		return nil, "document: larger than 16 MiB"
	}
	var d bson.D
	if err := bson.UnmarshalExtJSON(text, false, &d); err != nil {
		return nil, "document: not valid Extended JSON: " + err.Error()
	}
	raw, err := bson.Marshal(d)
	if err != nil {
		return nil, "document: " + err.Error()
	}
	return raw, ""
}
