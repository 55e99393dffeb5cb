// Package customers builds the per-customer table the customer analyses
// share: what each customer (by customer_id) bought, when, where and from
// whom. Distinct-customer counts, VIP lists, RFM, cohorts, ML features and
// basket pairs are all read off this one table, so counting distinct
// customers is exact without a set per group.
package customers

import (
	"sort"
	"strings"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
)

// Track selects the optional parts of a customer's record a pipeline needs.
type Track uint8

// What a Table can track beyond counts, amounts and dates.
const (
	Regions        Track = 1 << iota // the regions bought in
	Salespeople                      // the salespeople bought from
	Categories                       // spend per category
	Products                         // the distinct products bought
	RegionCategory                   // the (region, category) pairs bought in
)

// Customer is everything a Table knows of one customer.
type Customer struct {
	// Name is the customer_name on the customer's latest sale (by date,
	// then transaction_id): a customer is keyed by id, carrying a name.
	Name     string
	NameDate calendar.Date
	NameTxn  string

	Orders int64
	Spent  money.Cents
	Items  int64
	First  calendar.Date
	Last   calendar.Date

	// Sorted sets, filled only when tracked.
	Regions        []string
	Salespeople    []string
	Products       []string
	RegionCategory []string
	// Spend per category, when tracked: parallel sorted slices.
	CategoryNames []string
	CategorySpend []money.Cents
}

// Add records one sale of this customer.
func (c *Customer) Add(s *records.Sale, track Track) {
	if c.Orders == 0 || s.SaleDate < c.First {
		c.First = s.SaleDate
	}
	if c.Orders == 0 || s.SaleDate > c.Last {
		c.Last = s.SaleDate
	}
	if c.Orders == 0 || s.SaleDate > c.NameDate || (s.SaleDate == c.NameDate && s.TransactionID > c.NameTxn) {
		if c.Name != s.CustomerName {
			c.Name = strings.Clone(s.CustomerName)
		}
		c.NameDate, c.NameTxn = s.SaleDate, strings.Clone(s.TransactionID)
	}
	c.Orders++
	c.Spent += s.TotalAmount
	c.Items += s.Quantity
	if track&Regions != 0 {
		c.Regions = addToSet(c.Regions, s.Region)
	}
	if track&Salespeople != 0 {
		c.Salespeople = addToSet(c.Salespeople, s.Salesperson)
	}
	if track&Products != 0 {
		c.Products = addToSet(c.Products, s.ProductName)
	}
	if track&RegionCategory != 0 {
		c.RegionCategory = addToSet(c.RegionCategory, s.Region+"\x00"+s.Category)
	}
	if track&Categories != 0 {
		i := sort.SearchStrings(c.CategoryNames, s.Category)
		if i == len(c.CategoryNames) || c.CategoryNames[i] != s.Category {
			c.CategoryNames = insertAt(c.CategoryNames, i, strings.Clone(s.Category))
			c.CategorySpend = insertAt(c.CategorySpend, i, 0)
		}
		c.CategorySpend[i] += s.TotalAmount
	}
}

// Merge adds another record of the same customer.
func (c *Customer) Merge(o *Customer) {
	if o.Orders == 0 {
		return
	}
	if c.Orders == 0 {
		*c = *o
		return
	}
	c.First = min(c.First, o.First)
	c.Last = max(c.Last, o.Last)
	if o.NameDate > c.NameDate || (o.NameDate == c.NameDate && o.NameTxn > c.NameTxn) {
		c.Name, c.NameDate, c.NameTxn = o.Name, o.NameDate, o.NameTxn
	}
	c.Orders += o.Orders
	c.Spent += o.Spent
	c.Items += o.Items
	c.Regions = union(c.Regions, o.Regions)
	c.Salespeople = union(c.Salespeople, o.Salespeople)
	c.Products = union(c.Products, o.Products)
	c.RegionCategory = union(c.RegionCategory, o.RegionCategory)
	for i, name := range o.CategoryNames {
		j := sort.SearchStrings(c.CategoryNames, name)
		if j == len(c.CategoryNames) || c.CategoryNames[j] != name {
			c.CategoryNames = insertAt(c.CategoryNames, j, name)
			c.CategorySpend = insertAt(c.CategorySpend, j, 0)
		}
		c.CategorySpend[j] += o.CategorySpend[i]
	}
}

// Table is the customers seen, keyed by customer_id.
type Table struct {
	Track     Track
	Customers map[string]Customer
}

// NewTable returns an empty table tracking track.
func NewTable(track Track) Table { return Table{Track: track, Customers: map[string]Customer{}} }

// AddBlock adds every sale of a block.
func (t *Table) AddBlock(rows []records.Sale) {
	for i := range rows {
		s := &rows[i]
		c, ok := t.Customers[s.CustomerID]
		c.Add(s, t.Track)
		if !ok {
			t.Customers[strings.Clone(s.CustomerID)] = c
		} else {
			t.Customers[s.CustomerID] = c
		}
	}
}

// Merge adds another table of the same tracking.
func (t *Table) Merge(o Table) {
	for id, oc := range o.Customers {
		c := t.Customers[id]
		c.Merge(&oc)
		t.Customers[id] = c
	}
}

// IDs returns the customer ids, sorted.
func (t *Table) IDs() []string {
	ids := make([]string, 0, len(t.Customers))
	for id := range t.Customers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// addToSet inserts v into the sorted set s.
func addToSet(s []string, v string) []string {
	i := sort.SearchStrings(s, v)
	if i < len(s) && s[i] == v {
		return s
	}
	return insertAt(s, i, strings.Clone(v))
}

func insertAt[T any](s []T, i int, v T) []T {
	var zero T
	s = append(s, zero)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

// union merges two sorted sets.
func union(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]string, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
