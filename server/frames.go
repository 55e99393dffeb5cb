package server

import (
	"cmp"
	"container/list"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"
	"golang.org/x/sync/singleflight"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/transforms/table"
)

// A page in the dataset's own order is read straight from MongoDB
// (publish.Page). Sorting or searching needs every row: a frame holds them
// all, column by column, and remembers the orders and searches asked of
// it, so the pages after the first are answered from memory.

// frame is every row of one published dataset, keyed by the dataset's
// run and path: a newer run is another frame.
type frame struct {
	id    string
	cols  []table.Column
	n     int
	data  []column
	bytes int64

	mu     sync.Mutex
	orders map[orderKey][]int32
	found  map[string][]int32 // q → matching rows, in order
	finds  []string           // the keys of found, oldest first
}

type orderKey struct {
	col  int
	desc bool
}

// Bounds on what a frame remembers.
const (
	maxOrders   = 4
	maxSearches = 8
	maxInterned = 4096 // distinct values interned per text column
)

// column holds one column's values by kind; null marks empty values (nil
// when there are none). A value that does not fit its kind (which the
// results contract rules out) is kept as null.
type column struct {
	kind table.Kind
	text []string  // string, date
	ints []int64   // int, bool (0 or 1)
	nums []float64 // money, decimal
	null []bool

	intern   map[string]string // while building
	strBytes int64             // bytes of the distinct strings held
}

func (c *column) textual() bool { return c.kind == table.String || c.kind == table.Date }

func (c *column) add(i int, v any) {
	isNull := false
	switch {
	case c.textual():
		s, ok := v.(string)
		isNull = !ok
		if ok {
			if in, hit := c.intern[s]; hit {
				s = in
			} else {
				s = strings.Clone(s) // not the whole CSV line the parser sliced it from
				c.strBytes += int64(len(s))
				if len(c.intern) < maxInterned {
					c.intern[s] = s
				}
			}
		}
		c.text = append(c.text, s)
	case c.kind == table.Int:
		x, ok := v.(int64)
		isNull = !ok
		c.ints = append(c.ints, x)
	case c.kind == table.Bool:
		x, ok := v.(bool)
		isNull = !ok
		n := int64(0)
		if x {
			n = 1
		}
		c.ints = append(c.ints, n)
	default:
		x, ok := v.(float64)
		isNull = !ok
		c.nums = append(c.nums, x)
	}
	if isNull {
		if c.null == nil {
			c.null = make([]bool, i, i+1)
		}
	}
	if c.null != nil {
		c.null = append(c.null, isNull)
	}
}

// value returns row i's value as publish types it.
func (c *column) value(i int) any {
	if c.null != nil && c.null[i] {
		return nil
	}
	switch {
	case c.textual():
		return c.text[i]
	case c.kind == table.Int:
		return c.ints[i]
	case c.kind == table.Bool:
		return c.ints[i] == 1
	}
	return c.nums[i]
}

func (c *column) size() int64 {
	return int64(len(c.ints)*8+len(c.nums)*8+len(c.text)*16+len(c.null)) + c.strBytes
}

// loadFrame reads every row of d.
func loadFrame(ctx context.Context, s *mongostore.Store, d publish.Dataset) (*frame, error) {
	f := &frame{id: d.ID, cols: d.Columns, data: make([]column, len(d.Columns)),
		orders: map[orderKey][]int32{}, found: map[string][]int32{}}
	for i, c := range d.Columns {
		f.data[i] = column{kind: c.Kind, intern: map[string]string{}}
	}
	err := publish.Each(ctx, s, d, func(row bson.A) error {
		for i := range f.data {
			var v any
			if i < len(row) {
				v = row[i]
			}
			f.data[i].add(f.n, v)
		}
		f.n++
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range f.data {
		f.data[i].intern = nil
		f.bytes += f.data[i].size()
	}
	f.bytes += int64(f.n) * 4 * (maxOrders + 1) // room for the orders and a search
	return f, nil
}

// row returns row i's values.
func (f *frame) row(i int) []any {
	out := make([]any, len(f.data))
	for c := range f.data {
		out[c] = f.data[c].value(i)
	}
	return out
}

// order returns the rows sorted on column col, numbers numerically, empty
// values last, ties in the dataset's own order.
func (f *frame) order(col int, desc bool) []int32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := orderKey{col, desc}
	if o, ok := f.orders[key]; ok {
		return o
	}
	c := &f.data[col]
	idx := make([]int32, f.n)
	for i := range idx {
		idx[i] = int32(i)
	}
	var byValue func(a, b int32) int
	switch {
	case c.textual():
		byValue = func(a, b int32) int { return strings.Compare(c.text[a], c.text[b]) }
	case c.kind == table.Int || c.kind == table.Bool:
		byValue = func(a, b int32) int { return cmp.Compare(c.ints[a], c.ints[b]) }
	default:
		byValue = func(a, b int32) int { return cmp.Compare(c.nums[a], c.nums[b]) }
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c.null != nil && c.null[a] != c.null[b] {
			if c.null[a] {
				return 1
			}
			return -1
		}
		r := 0
		if c.null == nil || !c.null[a] {
			r = byValue(a, b)
		}
		if desc {
			r = -r
		}
		if r == 0 {
			r = cmp.Compare(a, b)
		}
		return r
	})
	if len(f.orders) >= maxOrders {
		clear(f.orders)
	}
	f.orders[key] = idx
	return idx
}

// search returns the rows, in the dataset's order, where a text column
// holds q, ignoring case.
func (f *frame) search(q string) []int32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m, ok := f.found[q]; ok {
		return m
	}
	var texts []*column
	for i := range f.data {
		if f.data[i].textual() {
			texts = append(texts, &f.data[i])
		}
	}
	lq := strings.ToLower(q)
	out := []int32{}
	for i := 0; i < f.n; i++ {
		for _, c := range texts {
			if (c.null == nil || !c.null[i]) && containsFold(c.text[i], lq) {
				out = append(out, int32(i))
				break
			}
		}
	}
	if len(f.finds) >= maxSearches {
		delete(f.found, f.finds[0])
		f.finds = f.finds[1:]
	}
	f.found[q], f.finds = out, append(f.finds, q)
	return out
}

// view returns the rows a query selects, in its order: sorted on col (-1:
// the dataset's order, reversed if desc) and kept when they match q ("":
// all). nil means every row in the dataset's order.
func (f *frame) view(col int, desc bool, q string) []int32 {
	var matches []int32
	if q != "" {
		matches = f.search(q)
	}
	switch {
	case col < 0 && q == "" && !desc:
		return nil
	case col < 0 && q == "":
		out := make([]int32, f.n)
		for i := range out {
			out[i] = int32(f.n - 1 - i)
		}
		return out
	case col < 0 && !desc:
		return matches
	case col < 0:
		out := slices.Clone(matches)
		slices.Reverse(out)
		return out
	case q == "":
		return f.order(col, desc)
	}
	keep := make([]bool, f.n)
	for _, i := range matches {
		keep[i] = true
	}
	out := make([]int32, 0, len(matches))
	for _, i := range f.order(col, desc) {
		if keep[i] {
			out = append(out, i)
		}
	}
	return out
}

// containsFold tells whether s contains lq (lower case), ignoring case.
func containsFold(s, lq string) bool {
	if lq == "" {
		return true
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		return strings.Contains(strings.ToLower(s), lq)
	}
	n := len(lq)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lq[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// frameCache keeps the most recently used frames within a memory budget.
// Frames larger than the budget are built for their request and dropped.
// A load goes on when the request that started it gives up (up to
// frameLoadTimeout), so that the next request finds the frame.
type frameCache struct {
	budget int64
	group  singleflight.Group

	mu   sync.Mutex
	used int64
	lru  *list.List // of *frame, most recent first
	byID map[string]*list.Element
}

// frameLoadTimeout bounds reading a dataset whole (1M rows: ~7s on the
// embedded MongoDB).
const frameLoadTimeout = 5 * time.Minute

func newFrameCache(budget int64) *frameCache {
	return &frameCache{budget: budget, lru: list.New(), byID: map[string]*list.Element{}}
}

// get returns d's frame, loading it once however many requests ask for it
// at the same time; the load outlives a request that gives up, for the
// others.
func (c *frameCache) get(ctx context.Context, d publish.Dataset, load func(context.Context) (*frame, error)) (*frame, error) {
	c.mu.Lock()
	if e, ok := c.byID[d.ID]; ok {
		c.lru.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*frame), nil
	}
	c.mu.Unlock()
	ch := c.group.DoChan(d.ID, func() (any, error) {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), frameLoadTimeout)
		defer cancel()
		f, err := load(lctx)
		if err != nil {
			return nil, err
		}
		c.put(f)
		return f, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*frame), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("reading every row of %s: %w", d.Path, ctx.Err())
	}
}

func (c *frameCache) put(f *frame) {
	if f.bytes > c.budget {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byID[f.id]; ok {
		return
	}
	for c.used+f.bytes > c.budget && c.lru.Len() > 0 {
		old := c.lru.Remove(c.lru.Back()).(*frame)
		delete(c.byID, old.id)
		c.used -= old.bytes
	}
	c.byID[f.id] = c.lru.PushFront(f)
	c.used += f.bytes
}
