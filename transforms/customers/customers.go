// Package customers builds the per-customer table the customer analyses
// share: what each customer (by customer_id) bought, when, where and from
// whom. Distinct-customer counts, VIP lists, RFM, cohorts, ML features and
// basket pairs are all read off this one table, so counting distinct
// customers is exact without a set per group.
package customers

import (
	"math/bits"
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

// Set names one of a customer's sets of values, and the dictionary of its
// values.
type Set int

// The sets a Customer holds, and the category dictionary (spend per
// category is a dense slice, not a set).
const (
	RegionSet Set = iota
	SalespersonSet
	ProductSet
	RegionCategorySet // values are region + "\x00" + category
	numSets
	categoryDict = numSets
	numDicts     = numSets + 1
)

// Customer is everything a Table knows of one customer. Values (regions,
// salespeople, products, categories) are ids in the table's dictionaries.
type Customer struct {
	// Name is the customer_name on the customer's latest sale: by date,
	// then by position in the input (a customer is keyed by id, carrying a
	// name).
	Name    string
	NameDay calendar.Date
	NamePos int64

	Orders int64
	Spent  money.Cents
	Items  int64
	First  calendar.Date
	Last   calendar.Date

	// Sets of dictionary ids, as bitsets, filled only when tracked.
	Sets [numSets]Bits
	// Spend per category, indexed by category id, when tracked.
	CategorySpend []money.Cents
}

// Table is the customers seen, keyed by customer_id, with the dictionary of
// the values they refer to: the accumulator the customer analyses share
// (its zero value with Track set is empty).
type Table struct {
	Track     Track
	Customers map[string]*Customer
	// Dicts are the dictionaries, one per Set and one of categories: a
	// value's id is its index.
	Dicts [numDicts][]string

	ids [numDicts]map[string]uint32 // the dictionaries' index, rebuilt when needed
}

// NewTable returns an empty table tracking track.
func NewTable(track Track) Table { return Table{Track: track, Customers: map[string]*Customer{}} }

// Dict returns the values of a set's dictionary, by id.
func (t *Table) Dict(set Set) []string { return t.Dicts[set] }

// id returns the id of v in dictionary d, adding it.
func (t *Table) id(d Set, v string) uint32 {
	ids := t.ids[d]
	if ids == nil {
		ids = make(map[string]uint32, len(t.Dicts[d]))
		for i, s := range t.Dicts[d] {
			ids[s] = uint32(i)
		}
		t.ids[d] = ids
	}
	if id, ok := ids[v]; ok {
		return id
	}
	v = strings.Clone(v) // do not keep the block's text alive
	id := uint32(len(t.Dicts[d]))
	t.Dicts[d] = append(t.Dicts[d], v)
	ids[v] = id
	return id
}

// idBytes is id for a value held in a scratch buffer.
func (t *Table) idBytes(d Set, v []byte) uint32 {
	if ids := t.ids[d]; ids != nil {
		if id, ok := ids[string(v)]; ok { // no allocation for the lookup
			return id
		}
	}
	return t.id(d, string(v))
}

// Add adds every sale of a block.
func (t *Table) Add(b records.SaleBlock) {
	if t.Customers == nil {
		t.Customers = map[string]*Customer{}
	}
	var rc []byte
	for i := range b.Rows {
		s := &b.Rows[i]
		c := t.Customers[s.CustomerID]
		if c == nil {
			c = &Customer{}
			t.Customers[strings.Clone(s.CustomerID)] = c
		}
		pos := b.Seq<<32 | s.Line
		if c.Orders == 0 || s.SaleDate > c.NameDay || (s.SaleDate == c.NameDay && pos > c.NamePos) {
			if c.Name != s.CustomerName {
				c.Name = strings.Clone(s.CustomerName)
			}
			c.NameDay, c.NamePos = s.SaleDate, pos
		}
		if c.Orders == 0 || s.SaleDate < c.First {
			c.First = s.SaleDate
		}
		if c.Orders == 0 || s.SaleDate > c.Last {
			c.Last = s.SaleDate
		}
		c.Orders++
		c.Spent += s.TotalAmount
		c.Items += s.Quantity
		if t.Track&Regions != 0 {
			c.Sets[RegionSet].Set(t.id(RegionSet, s.Region))
		}
		if t.Track&Salespeople != 0 {
			c.Sets[SalespersonSet].Set(t.id(SalespersonSet, s.Salesperson))
		}
		if t.Track&Products != 0 {
			c.Sets[ProductSet].Set(t.id(ProductSet, s.ProductName))
		}
		if t.Track&RegionCategory != 0 {
			rc = append(append(append(rc[:0], s.Region...), 0), s.Category...)
			c.Sets[RegionCategorySet].Set(t.idBytes(RegionCategorySet, rc))
		}
		if t.Track&Categories != 0 {
			cat := int(t.id(categoryDict, s.Category))
			for len(c.CategorySpend) <= cat {
				c.CategorySpend = append(c.CategorySpend, 0)
			}
			c.CategorySpend[cat] += s.TotalAmount
		}
	}
}

// Merge adds another table of the same tracking; o is not used afterwards.
func (t *Table) Merge(o Table) {
	t.Track |= o.Track
	if t.Customers == nil {
		t.Customers = map[string]*Customer{}
	}
	// o's dictionary ids become t's.
	var remap [numDicts][]uint32
	same := true
	for d := range remap {
		remap[d] = make([]uint32, len(o.Dicts[d]))
		for i, v := range o.Dicts[d] {
			remap[d][i] = t.id(Set(d), v)
			same = same && remap[d][i] == uint32(i)
		}
	}
	for id, oc := range o.Customers {
		if !same {
			oc.remap(&remap)
		}
		if c := t.Customers[id]; c != nil {
			c.merge(oc)
		} else {
			t.Customers[id] = oc
		}
	}
}

func (c *Customer) remap(to *[numDicts][]uint32) {
	for k := range c.Sets {
		old := c.Sets[k]
		c.Sets[k] = nil
		old.Each(func(id uint32) { c.Sets[k].Set(to[k][id]) })
	}
	if c.CategorySpend != nil {
		old := c.CategorySpend
		c.CategorySpend = nil
		for id, v := range old {
			cat := int(to[categoryDict][id])
			for len(c.CategorySpend) <= cat {
				c.CategorySpend = append(c.CategorySpend, 0)
			}
			c.CategorySpend[cat] += v
		}
	}
}

// merge adds another record of the same customer, with ids of the same
// dictionary.
func (c *Customer) merge(o *Customer) {
	if o.Orders == 0 {
		return
	}
	if c.Orders == 0 {
		*c = *o
		return
	}
	c.First = min(c.First, o.First)
	c.Last = max(c.Last, o.Last)
	if o.NameDay > c.NameDay || (o.NameDay == c.NameDay && o.NamePos > c.NamePos) {
		c.Name, c.NameDay, c.NamePos = o.Name, o.NameDay, o.NamePos
	}
	c.Orders += o.Orders
	c.Spent += o.Spent
	c.Items += o.Items
	for k := range c.Sets {
		c.Sets[k].Union(o.Sets[k])
	}
	for len(c.CategorySpend) < len(o.CategorySpend) {
		c.CategorySpend = append(c.CategorySpend, 0)
	}
	for id, v := range o.CategorySpend {
		c.CategorySpend[id] += v
	}
}

// Names returns the values of a customer's set, sorted.
func (t *Table) Names(c *Customer, set Set) []string {
	var out []string
	c.Sets[set].Each(func(id uint32) { out = append(out, t.Dicts[set][id]) })
	sort.Strings(out)
	return out
}

// Categories returns the category dictionary: CategorySpend's index.
func (t *Table) Categories() []string { return t.Dicts[categoryDict] }

// CategorySpend returns a customer's spend per category name.
func (t *Table) CategorySpend(c *Customer) map[string]money.Cents {
	out := make(map[string]money.Cents, len(c.CategorySpend))
	for id, v := range c.CategorySpend {
		if v != 0 {
			out[t.Dicts[categoryDict][id]] = v
		}
	}
	return out
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

// Bits is a set of small non-negative integers.
type Bits []uint64

// Set adds v.
func (b *Bits) Set(v uint32) {
	w := int(v / 64)
	if w >= len(*b) {
		*b = append(*b, make(Bits, w+1-len(*b))...)
	}
	(*b)[w] |= 1 << (v % 64)
}

// Has reports whether v is in the set.
func (b Bits) Has(v uint32) bool {
	w := int(v / 64)
	return w < len(b) && b[w]&(1<<(v%64)) != 0
}

// Union adds every member of o.
func (b *Bits) Union(o Bits) {
	if len(o) > len(*b) {
		*b = append(*b, make(Bits, len(o)-len(*b))...)
	}
	for i, w := range o {
		(*b)[i] |= w
	}
}

// Len returns the number of members.
func (b Bits) Len() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// Each calls fn with every member, in increasing order.
func (b Bits) Each(fn func(uint32)) {
	for i, w := range b {
		for w != 0 {
			j := bits.TrailingZeros64(w)
			fn(uint32(i*64 + j))
			w &^= 1 << j
		}
	}
}
