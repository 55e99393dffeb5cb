package cube

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/wire"
)

type row struct {
	values []string
	m      Measures
}

// rows returns n random rows over dims dimensions with a few values each
// (some of them empty, one of them the literal "ALL").
func rows(n, dims int, seed uint64) []row {
	rng := rand.New(rand.NewPCG(seed, 7))
	palette := []string{"", "ALL", "Asia", "Europe", "Électronique", "a,b", "z"}
	out := make([]row, n)
	for i := range out {
		out[i].values = make([]string, dims)
		for d := range out[i].values {
			out[i].values[d] = palette[rng.IntN(len(palette))]
		}
		q := int64(1 + rng.IntN(5))
		out[i].m = Measures{Transactions: 1, Quantity: q, Revenue: money.Cents(q * int64(1+rng.IntN(100000)))}
	}
	return out
}

func build(dims int, rs []row) Table {
	t := Table{Dims: dims}
	for _, r := range rs {
		t.Add(r.m, r.values...)
	}
	return t
}

// key names a cell by its labels and which dimensions are rolled up.
func key(c *Cell) string { return fmt.Sprintf("%q/%b", c.Values, c.Rolled) }

func TestCubeGrandTotalIsTheInputTotalAndLast(t *testing.T) {
	rs := rows(2000, 4, 1)
	var want Measures
	for _, r := range rs {
		want.Add(r.m)
	}
	tb := build(4, rs)
	if got := tb.Total(); got != want {
		t.Errorf("Total() = %+v, want %+v", got, want)
	}
	cells := tb.Cube()
	last := cells[len(cells)-1]
	if last.Rolled != 1<<4-1 || strings.Join(last.Values, ",") != "ALL,ALL,ALL,ALL" || last.Measures != want {
		t.Errorf("last cell %+v, want the grand total %+v", last, want)
	}
	for _, c := range cells[:len(cells)-1] {
		if c.Rolled == 1<<4-1 {
			t.Errorf("a second grand total: %+v", c)
		}
	}
}

// TestEverySubtotalIsTheSumOfItsChildren: a cell with dimension d rolled up
// sums the cells that differ from it only by a real value in d.
func TestEverySubtotalIsTheSumOfItsChildren(t *testing.T) {
	const dims = 3
	tb := build(dims, rows(1500, dims, 2))
	cells := tb.Cube()
	byKey := map[string]*Cell{}
	for i := range cells {
		byKey[key(&cells[i])] = &cells[i]
	}
	if len(byKey) != len(cells) {
		t.Fatalf("%d cells, %d distinct", len(cells), len(byKey))
	}
	sets := map[uint32]int{}
	for i := range cells {
		c := &cells[i]
		sets[c.Rolled]++
		for d := 0; d < dims; d++ {
			if !c.IsRolled(d) {
				continue
			}
			var sum Measures
			children := 0
			for j := range cells {
				o := &cells[j]
				if o.Rolled != c.Rolled&^(1<<d) || !sameExcept(c, o, d) {
					continue
				}
				sum.Add(o.Measures)
				children++
			}
			if children == 0 || sum != c.Measures {
				t.Errorf("cell %s: %d children sum to %+v, cell holds %+v", key(c), children, sum, c.Measures)
			}
		}
	}
	if len(sets) != 1<<dims {
		t.Errorf("%d grouping sets, want %d", len(sets), 1<<dims)
	}
}

func sameExcept(a, b *Cell, d int) bool {
	for i := range a.Values {
		if i != d && a.Values[i] != b.Values[i] {
			return false
		}
	}
	return true
}

func TestCubeCountsEveryGroupingSet(t *testing.T) {
	// A full 2 × 3 cross: (2+1) × (3+1) cells.
	tb := Table{Dims: 2}
	for _, a := range []string{"x", "y"} {
		for _, b := range []string{"1", "2", "3"} {
			tb.Add(Measures{Transactions: 1, Quantity: 2, Revenue: 100}, a, b)
		}
	}
	cells := tb.Cube()
	if len(cells) != 12 {
		t.Fatalf("%d cells, want 12", len(cells))
	}
	var got []string
	for _, c := range cells {
		got = append(got, fmt.Sprintf("%s/%s=%d", c.Values[0], c.Values[1], c.Transactions))
	}
	want := "x/1=1 x/2=1 x/3=1 x/ALL=3 y/1=1 y/2=1 y/3=1 y/ALL=3 ALL/1=2 ALL/2=2 ALL/3=2 ALL/ALL=6"
	if strings.Join(got, " ") != want {
		t.Errorf("cube order:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}

// TestAllSortsAfterRealValues: a rolled-up dimension comes after every real
// value, including a real value spelled "ALL" and values above it in byte
// order.
func TestAllSortsAfterRealValues(t *testing.T) {
	tb := Table{Dims: 1}
	for _, v := range []string{"zz", "ALL", "", "Asia", "é"} {
		tb.Add(Measures{Transactions: 1}, v)
	}
	cells := tb.Cube()
	var got []string
	for _, c := range cells {
		got = append(got, fmt.Sprintf("%q:%v", c.Values[0], c.IsRolled(0)))
	}
	want := `"":false "ALL":false "Asia":false "zz":false "é":false "ALL":true`
	if strings.Join(got, " ") != want {
		t.Errorf("order %s, want %s", strings.Join(got, " "), want)
	}
	a := Cell{Values: []string{"ALL", "x"}, Rolled: 1}
	b := Cell{Values: []string{"zzz", "a"}}
	if Compare(&a, &b) <= 0 || Compare(&b, &a) >= 0 || Compare(&a, &a) != 0 {
		t.Error("a rolled-up dimension should sort after a real value whatever the later dimensions")
	}
}

func TestMergeInAnyOrderAndBase(t *testing.T) {
	rs := rows(500, 2, 3)
	whole := build(2, rs)
	var merged Table // a zero table adopts the dimensions
	for _, part := range [][]row{rs[300:], rs[:100], rs[100:300]} {
		merged.Merge(build(2, part))
	}
	if merged.Dims != 2 || merged.Len() != whole.Len() {
		t.Fatalf("merged %d dims %d cells, want 2 and %d", merged.Dims, merged.Len(), whole.Len())
	}
	a, b := whole.Base(), merged.Base()
	for i := range a {
		if key(&a[i]) != key(&b[i]) || a[i].Measures != b[i].Measures {
			t.Fatalf("base cell %d: %+v vs %+v", i, a[i], b[i])
		}
		if a[i].Rolled != 0 || (i > 0 && Compare(&a[i-1], &a[i]) >= 0) {
			t.Errorf("base cells not strictly ordered at %d", i)
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	tb := build(3, rows(300, 3, 4))
	var w wire.Writer
	tb.Encode(&w)
	var got Table
	r := wire.Reader{B: w.B}
	got.Decode(&r)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if got.Dims != 3 || fmt.Sprint(got.Cube()) != fmt.Sprint(tb.Cube()) {
		t.Error("decoded table differs")
	}
	var empty Table
	r = wire.Reader{B: []byte{3, 200}}
	empty.Decode(&r)
	if r.Err == nil {
		t.Error("a truncated table should not decode")
	}
}

func TestAddChecksTheDimensions(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Add with the wrong number of values should panic")
		}
	}()
	tb := Table{Dims: 2}
	tb.Add(Measures{}, "only one")
}
