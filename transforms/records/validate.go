package records

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
)

// The validator checks a row's fields in column order and reports the first
// rule that fails, naming the field and quoting the value:
//
//	age: not an integer: "abc"
//
// Fields are given in schema order (EmployeeColumns or SaleColumns) and are
// already trimmed by the reader. Outliers are not rejected: the anomaly
// analyses report them.

// ParseEmployee validates f (in EmployeeColumns order) and returns the
// employee, or the reason the row is rejected.
func ParseEmployee(f []string, line int64) (Employee, string) {
	var e Employee
	reason := ParseEmployeeInto(&e, f, line, true)
	return e, reason
}

// ParseEmployeeInto is ParseEmployee writing into e; checkUTF8 false skips
// the UTF-8 checks of a row already known valid.
func ParseEmployeeInto(e *Employee, f []string, line int64, checkUTF8 bool) string {
	v := fieldValidator{checkUTF8: checkUTF8}
	e.ID = v.positiveInt(f, 0, "id")
	e.Name = v.text(f, 1, "name")
	e.Age = v.intIn(f, 2, "age", 1, 120)
	e.City = v.text(f, 3, "city")
	e.Salary = v.amount(f, 4, "salary", false)
	e.Department = v.text(f, 5, "department")
	e.HireDate = v.date(f, 6, "hire_date")
	e.Status = v.text(f, 7, "status")
	e.Line = line
	return v.reason
}

// ParseSale validates f (in SaleColumns order) and returns the sale, or the
// reason the row is rejected. total_amount must be within 0.01 of
// quantity × unit_price.
func ParseSale(f []string, line int64) (Sale, string) {
	var s Sale
	reason := ParseSaleInto(&s, f, line, true)
	return s, reason
}

// ParseSaleInto is ParseSale writing into s; checkUTF8 false skips the
// UTF-8 checks of a row already known valid.
func ParseSaleInto(s *Sale, f []string, line int64, checkUTF8 bool) string {
	v := fieldValidator{checkUTF8: checkUTF8}
	s.TransactionID = v.text(f, 0, "transaction_id")
	s.ProductID = v.text(f, 1, "product_id")
	s.ProductName = v.text(f, 2, "product_name")
	s.Category = v.text(f, 3, "category")
	s.Quantity = v.intIn(f, 4, "quantity", 1, maxInt)
	s.UnitPrice = v.amount(f, 5, "unit_price", false)
	s.TotalAmount = v.amount(f, 6, "total_amount", true)
	if v.reason == "" {
		v.checkTotal(f[6], s.Quantity, s.UnitPrice, s.TotalAmount)
	}
	s.CustomerID = v.text(f, 7, "customer_id")
	s.CustomerName = v.text(f, 8, "customer_name")
	s.SaleDate = v.date(f, 9, "sale_date")
	s.Region = v.text(f, 10, "region")
	s.Salesperson = v.text(f, 11, "salesperson")
	s.Line = line
	return v.reason
}

const maxInt = int64(^uint64(0) >> 1)

// fieldValidator keeps the first failure; later checks are skipped once a
// reason is set, so each row gets exactly one reason.
type fieldValidator struct {
	reason    string
	checkUTF8 bool
}

func (v *fieldValidator) fail(field, what, value string) {
	if value == "" && what == "" {
		v.reason = field + ": missing value"
		return
	}
	v.reason = field + ": " + what + ": " + strconv.Quote(value)
}

// present checks the rules every field shares: valid UTF-8 and not empty.
func (v *fieldValidator) present(f []string, i int, field string) (string, bool) {
	if v.reason != "" {
		return "", false
	}
	s := f[i]
	if v.checkUTF8 && !utf8.ValidString(s) {
		v.fail(field, "invalid UTF-8", strings.ToValidUTF8(s, "\uFFFD"))
		return "", false
	}
	if s == "" {
		v.fail(field, "", "")
		return "", false
	}
	return s, true
}

func (v *fieldValidator) text(f []string, i int, field string) string {
	s, _ := v.present(f, i, field)
	return s
}

func (v *fieldValidator) positiveInt(f []string, i int, field string) int64 {
	s, ok := v.present(f, i, field)
	if !ok {
		return 0
	}
	n, err := ParseInt(s)
	switch {
	case err != nil:
		v.fail(field, err.Error(), s)
	case n <= 0:
		v.fail(field, "must be > 0", s)
	}
	return n
}

func (v *fieldValidator) intIn(f []string, i int, field string, lo, hi int64) int64 {
	s, ok := v.present(f, i, field)
	if !ok {
		return 0
	}
	n, err := ParseInt(s)
	switch {
	case err != nil:
		v.fail(field, err.Error(), s)
	case hi == maxInt && n < lo:
		v.fail(field, "must be >= "+itoa(lo), s)
	case n < lo || n > hi:
		v.fail(field, "out of range "+itoa(lo)+".."+itoa(hi), s)
	}
	return n
}

// amount parses money; zero is allowed only where the rules say >= 0.
func (v *fieldValidator) amount(f []string, i int, field string, zeroOK bool) money.Cents {
	s, ok := v.present(f, i, field)
	if !ok {
		return 0
	}
	c, err := money.Parse(s)
	switch {
	case err != nil:
		v.fail(field, err.Error(), s)
	case zeroOK && c < 0:
		v.fail(field, "must be >= 0", s)
	case !zeroOK && c <= 0:
		v.fail(field, "must be > 0", s)
	}
	return c
}

func (v *fieldValidator) checkTotal(raw string, qty int64, price, total money.Cents) {
	want, ok := price.Times(qty)
	if ok {
		diff := want - total
		if diff >= -1 && diff <= 1 {
			return
		}
	}
	v.reason = "total_amount mismatch: " + strconv.Quote(raw) + " is not " + itoa(qty) + " x " + price.String()
	if ok {
		v.reason += " = " + want.String()
	}
}

func (v *fieldValidator) date(f []string, i int, field string) calendar.Date {
	s, ok := v.present(f, i, field)
	if !ok {
		return 0
	}
	d, err := calendar.Parse(s)
	if err != nil {
		v.fail(field, err.Error(), s)
	}
	return d
}

// Integer parse errors.
var (
	ErrNotInteger   = errors.New("not an integer")
	ErrIntegerRange = errors.New("integer out of range")
)

// ParseInt reads an integer literal (-?digits): no sign '+', no decimals,
// no exponent, no separators.
func ParseInt(s string) (int64, error) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if s == "" {
		return 0, ErrNotInteger
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, ErrNotInteger
		}
		if n > (1<<63-1)/10 {
			return 0, ErrIntegerRange
		}
		n = n*10 + uint64(c-'0')
	}
	if n > 1<<63-1 && !(neg && n == 1<<63) { // -(1<<63) fits
		return 0, ErrIntegerRange
	}
	if neg {
		return -int64(n), nil
	}
	return int64(n), nil
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
