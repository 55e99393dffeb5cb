// Package cube aggregates measures over N string dimensions and expands
// them to every grouping set, like SQL's GROUP BY CUBE: each base cell (a
// value in every dimension) contributes to 2^N cells, a rolled-up dimension
// holding All. A Table is a plain-Go accumulator: fold it per bundle on the
// base cells, merge the partials, and expand the small merged table once.
package cube

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/wire"
)

// All is the value written for a rolled-up dimension.
const All = "ALL"

// MaxDims bounds the dimensions of a table: a base cell expands to 2^Dims
// cells.
const MaxDims = 16

// Measures are what a cell sums: transactions, units and revenue in exact
// cents.
type Measures struct {
	Transactions int64
	Quantity     int64
	Revenue      money.Cents
}

// Add adds another cell's measures.
func (m *Measures) Add(o Measures) {
	m.Transactions += o.Transactions
	m.Quantity += o.Quantity
	m.Revenue += o.Revenue
}

// Table holds the measures of each base cell. Its zero value with Dims set
// is empty; Dims is its only configuration.
type Table struct {
	Dims int

	cells map[string]*Measures // key: the values, each length-prefixed
}

// Add adds m to the base cell of values, one per dimension.
func (t *Table) Add(m Measures, values ...string) {
	if len(values) != t.Dims {
		panic(fmt.Sprintf("cube: %d values for %d dimensions", len(values), t.Dims))
	}
	var buf [256]byte
	k := buf[:0]
	for _, v := range values {
		k = appendValue(k, v)
	}
	if c := t.cells[string(k)]; c != nil { // no allocation for a known cell
		c.Add(m)
		return
	}
	if t.cells == nil {
		if t.Dims > MaxDims {
			panic(fmt.Sprintf("cube: %d dimensions, at most %d", t.Dims, MaxDims))
		}
		t.cells = map[string]*Measures{}
	}
	c := m
	t.cells[string(k)] = &c
}

// Merge adds another table of the same dimensions. A zero Table adopts the
// other's dimensions.
func (t *Table) Merge(o Table) {
	if t.Dims == 0 {
		t.Dims = o.Dims
	}
	if o.Dims != t.Dims && len(o.cells) > 0 {
		panic(fmt.Sprintf("cube: merging %d dimensions into %d", o.Dims, t.Dims))
	}
	if t.cells == nil && len(o.cells) > 0 {
		t.cells = make(map[string]*Measures, len(o.cells))
	}
	for k, m := range o.cells {
		if c := t.cells[k]; c != nil {
			c.Add(*m)
		} else {
			c := *m
			t.cells[k] = &c
		}
	}
}

// Len returns the number of base cells.
func (t *Table) Len() int { return len(t.cells) }

// Total returns the measures of every base cell together: the grand total.
func (t *Table) Total() Measures {
	var m Measures
	for _, c := range t.cells {
		m.Add(*c)
	}
	return m
}

// Cell is one row of a cube: a value per dimension and its measures.
// Values[i] is All when dimension i is rolled up, which Rolled's bit i
// records (so that a real value "ALL" still orders before the roll-up).
type Cell struct {
	Values []string
	Rolled uint32
	Measures
}

// IsRolled reports whether dimension i is rolled up.
func (c *Cell) IsRolled(i int) bool { return c.Rolled&(1<<i) != 0 }

// Base returns the base cells, ordered by Compare.
func (t *Table) Base() []Cell {
	out := make([]Cell, 0, len(t.cells))
	for k, m := range t.cells {
		out = append(out, Cell{Values: splitKey(k, t.Dims), Measures: *m})
	}
	Sort(out)
	return out
}

// Cube returns the cells of every grouping set — each subset of the
// dimensions rolled up, from none (the base cells) to all (the grand
// total) — ordered by Compare, so that the grand total is the last cell.
// Each base cell contributes to 2^Dims cells; the work is proportional to
// the base cells, never to the rows they sum.
func (t *Table) Cube() []Cell {
	type agg struct {
		values []string
		rolled uint32
		m      Measures
	}
	cells := map[string]*agg{}
	var k []byte
	for key, m := range t.cells {
		values := splitKey(key, t.Dims)
		for mask := uint32(0); mask < 1<<t.Dims; mask++ {
			k = binary.AppendUvarint(k[:0], uint64(mask))
			for i, v := range values {
				if mask&(1<<i) != 0 {
					v = ""
				}
				k = appendValue(k, v)
			}
			a := cells[string(k)]
			if a == nil {
				a = &agg{values: make([]string, t.Dims), rolled: mask}
				for i, v := range values {
					if mask&(1<<i) != 0 {
						v = All
					}
					a.values[i] = v
				}
				cells[string(k)] = a
			}
			a.m.Add(*m)
		}
	}
	out := make([]Cell, 0, len(cells))
	for _, a := range cells {
		out = append(out, Cell{Values: a.values, Rolled: a.rolled, Measures: a.m})
	}
	Sort(out)
	return out
}

// Compare orders cells dimension by dimension: real values as text (byte
// order), a rolled-up dimension (All) after every real value. The grand
// total therefore comes last, and each subtotal right after the cells it
// sums over its last rolled-up dimension.
func Compare(a, b *Cell) int {
	for i := range a.Values {
		ra, rb := a.IsRolled(i), b.IsRolled(i)
		switch {
		case ra && rb:
			continue
		case ra:
			return 1
		case rb:
			return -1
		}
		if c := strings.Compare(a.Values[i], b.Values[i]); c != 0 {
			return c
		}
	}
	return 0
}

// Sort orders cells by Compare.
func Sort(cells []Cell) {
	sort.Slice(cells, func(i, j int) bool { return Compare(&cells[i], &cells[j]) < 0 })
}

// appendValue appends v, length-prefixed so that no value can run into the
// next.
func appendValue(b []byte, v string) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func splitKey(k string, dims int) []string {
	out := make([]string, 0, dims)
	for len(k) > 0 {
		n, w := binary.Uvarint([]byte(k[:min(len(k), binary.MaxVarintLen64)]))
		k = k[w:]
		out = append(out, k[:n])
		k = k[n:]
	}
	return out
}

// Encode writes the table in its binary form (see transforms/wire), for
// the coder of an accumulator that holds it.
func (t *Table) Encode(w *wire.Writer) {
	w.Uint(uint64(t.Dims))
	w.Uint(uint64(len(t.cells)))
	for k, m := range t.cells {
		w.String(k)
		w.Int(m.Transactions)
		w.Int(m.Quantity)
		w.Int(int64(m.Revenue))
	}
}

// Decode reads a table written by Encode.
func (t *Table) Decode(r *wire.Reader) {
	t.Dims = int(r.Uint())
	n := r.Len(4)
	t.cells = nil
	if n > 0 {
		t.cells = make(map[string]*Measures, n)
	}
	for i := 0; i < n && r.Err == nil; i++ {
		k := r.String()
		m := &Measures{Transactions: r.Int(), Quantity: r.Int(), Revenue: money.Cents(r.Int())}
		t.cells[k] = m
	}
}
