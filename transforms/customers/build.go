package customers

import (
	"errors"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/fold"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/wire"
)

func init() {
	fold.Register[Table, records.SaleBlock]()
	wire.Register(encodeTable, decodeTable)
	register.Function1x1(distinct)
}

// Build builds the customer table of the sales. It takes
// PCollection<records.SaleBlock> and returns PCollection<Table> holding one
// element.
func Build(s beam.Scope, sales beam.PCollection, track Track) beam.PCollection {
	return fold.Over[Table, records.SaleBlock](s.Scope("customers.Build"), Table{Track: track}, sales)
}

// Counts are distinct-customer counts, overall and per group.
type Counts struct {
	Customers        int64
	ByRegion         map[string]int64
	BySalesperson    map[string]int64
	ByRegionCategory map[string]int64 // keyed region + "\x00" + category
}

// Count counts the distinct customers of the table, overall and per tracked
// group.
func (t *Table) Count() Counts {
	perID := [numSets][]int64{}
	for k := range perID {
		perID[k] = make([]int64, len(t.Dicts[k]))
	}
	for _, cu := range t.Customers {
		for k := range cu.Sets {
			cu.Sets[k].Each(func(id uint32) { perID[k][id]++ })
		}
	}
	byName := func(set Set) map[string]int64 {
		m := map[string]int64{}
		for id, n := range perID[set] {
			if n > 0 {
				m[t.Dicts[set][id]] = n
			}
		}
		return m
	}
	return Counts{
		Customers:        int64(len(t.Customers)),
		ByRegion:         byName(RegionSet),
		BySalesperson:    byName(SalespersonSet),
		ByRegionCategory: byName(RegionCategorySet),
	}
}

// Distinct counts distinct customers from the table. It takes
// PCollection<Table> and returns PCollection<Counts>, small enough to be a
// side input.
func Distinct(s beam.Scope, table beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("customers.Distinct"), distinct, table)
}

func distinct(t Table) Counts { return t.Count() }

// Encode writes the table in its binary form (its Beam coder).
func (t *Table) Encode(w *wire.Writer) {
	w.Uint(uint64(t.Track))
	for _, d := range t.Dicts {
		w.Strings(d)
	}
	w.Uint(uint64(len(t.Customers)))
	for id, c := range t.Customers {
		w.String(id)
		w.String(c.Name)
		w.Int(int64(c.NameDay))
		w.Int(c.NamePos)
		w.Int(c.Orders)
		w.Int(int64(c.Spent))
		w.Int(c.Items)
		w.Int(int64(c.First))
		w.Int(int64(c.Last))
		for _, b := range c.Sets {
			w.Uint(uint64(len(b)))
			for _, word := range b {
				w.Uint(word)
			}
		}
		w.Uint(uint64(len(c.CategorySpend)))
		for _, v := range c.CategorySpend {
			w.Int(int64(v))
		}
	}
}

// Decode reads a table written by Encode.
func (t *Table) Decode(r *wire.Reader) {
	t.Track = Track(r.Uint())
	for d := range t.Dicts {
		t.Dicts[d] = r.Strings()
		t.ids[d] = nil
	}
	n := r.Len(12)
	t.Customers = make(map[string]*Customer, n)
	for i := 0; i < n && r.Err == nil; i++ {
		id := r.String()
		c := &Customer{Name: r.String(), NameDay: calendar.Date(r.Int()), NamePos: r.Int()}
		c.Orders, c.Spent, c.Items = r.Int(), money.Cents(r.Int()), r.Int()
		c.First, c.Last = calendar.Date(r.Int()), calendar.Date(r.Int())
		for k := range c.Sets {
			if words := r.Len(1); words > 0 {
				c.Sets[k] = make(Bits, words)
				for j := range c.Sets[k] {
					c.Sets[k][j] = r.Uint()
				}
			}
		}
		if cats := r.Len(1); cats > 0 {
			if cats > len(t.Dicts[categoryDict]) {
				r.Err = errBadSet
			}
			c.CategorySpend = make([]money.Cents, cats)
			for j := range c.CategorySpend {
				c.CategorySpend[j] = money.Cents(r.Int())
			}
		}
		t.Customers[id] = c
	}
	// A set must not refer past its dictionary.
	for _, c := range t.Customers {
		for k, b := range c.Sets {
			if len(b)*64 > len(t.Dicts[k])+63 && r.Err == nil {
				r.Err = errBadSet
			}
		}
	}
}

var errBadSet = errors.New("customers: a set refers past the dictionary")

func encodeTable(v Table) []byte          { return wire.Marshal(v) }
func decodeTable(b []byte) (Table, error) { return wire.Unmarshal[Table](b) }
