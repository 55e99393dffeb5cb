package synth

import (
	"math"
	"math/rand/v2"
	"sort"
)

// plan is where a file's special rows go: bad rows of each kind and
// duplicates, at random positions, sorted. Row 0 is always valid (so a
// duplicate always has something to copy), an unterminated quote is always
// the last row, and the counts are exact.
type plan struct {
	events []event
	counts [numKinds]int64
	dups   int64
}

type event struct {
	pos  int64
	src  int64 // for a duplicate, the earlier valid row it copies
	kind Kind  // kindDuplicate for a duplicate
}

// newPlan plans a file of n rows with about rate×n bad rows of the given
// kinds and a tenth as many duplicates.
func newPlan(n int64, rate float64, kinds []Kind, seed uint64) *plan {
	p := &plan{}
	if rate <= 0 || n < 2 {
		return p
	}
	bad := int64(math.Round(rate * float64(n)))
	dups := int64(math.Round(rate * float64(n) / 10))
	if bad > 0 && dups == 0 {
		dups = 1
	}
	avail := n - 1 // every row but row 0
	bad = min(bad, avail)
	dups = min(dups, avail-bad)
	p.counts = allocate(bad, kinds)
	p.dups = dups

	r := rand.New(rand.NewPCG(seed, 0x5eed))
	last := p.counts[UnterminatedQuote] == 1
	list := make([]Kind, 0, bad+dups)
	for k := range numKinds {
		if k == UnterminatedQuote {
			continue
		}
		for range p.counts[k] {
			list = append(list, k)
		}
	}
	for range dups {
		list = append(list, kindDuplicate)
	}
	r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })

	// One event in each of len(list) equal strata of rows 1..hi-1.
	hi := n
	if last {
		hi = n - 1
	}
	span := uint64(hi - 1)
	k := uint64(len(list))
	p.events = make([]event, len(list), len(list)+1)
	for s := range k {
		lo, _ := mulDiv(s, span, k)
		up, _ := mulDiv(s+1, span, k)
		p.events[s] = event{pos: 1 + int64(lo) + r.Int64N(int64(up-lo)), kind: list[s]}
	}
	if last {
		p.events = append(p.events, event{pos: n - 1, kind: UnterminatedQuote})
	}
	for i := range p.events {
		if p.events[i].kind == kindDuplicate {
			p.events[i].src = p.source(r, p.events[i].pos)
		}
	}
	return p
}

// source picks the valid row a duplicate at pos copies: mostly a recent one
// (a double submission), sometimes any earlier one (a re-import).
func (p *plan) source(r *rand.Rand, pos int64) int64 {
	for range 32 {
		var j int64
		if chance(r, 700) {
			j = pos - 1 - r.Int64N(min(pos, 500))
		} else {
			j = r.Int64N(pos)
		}
		if !p.special(j) {
			return j
		}
	}
	for j := pos - 1; ; j-- {
		if !p.special(j) {
			return j
		}
	}
}

// first is the index of the first event at or after row pos.
func (p *plan) first(pos int64) int {
	return sort.Search(len(p.events), func(i int) bool { return p.events[i].pos >= pos })
}

// special reports whether row pos is a bad row or a duplicate.
func (p *plan) special(pos int64) bool {
	i := p.first(pos)
	return i < len(p.events) && p.events[i].pos == pos
}

// bad is the number of bad rows.
func (p *plan) bad() int64 {
	var n int64
	for _, c := range p.counts {
		n += c
	}
	return n
}
