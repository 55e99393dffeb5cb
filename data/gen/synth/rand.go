package synth

import (
	"math/bits"
	"math/rand/v2"
)

// Streams: each file's rows, plan and customers draw from their own seed, so
// that changing one never shifts another.
const (
	streamSales uint64 = iota + 1
	streamSalesPlan
	streamEmployees
	streamEmployeesPlan
	streamCustomers
)

// splitmix64 scrambles x; it derives seeds and per-customer attributes from
// small integers.
func splitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// streamKey is the seed of one stream for the user's seed.
func streamKey(seed, stream uint64) uint64 { return splitmix64(seed ^ splitmix64(stream)) }

// rowRand is a worker's generator, re-seeded for every row so that a row is
// a pure function of (stream, position): chunks can be formatted in any
// order, and a duplicate can regenerate the row it copies.
type rowRand struct {
	src rand.PCG
	*rand.Rand
}

func newRowRand() *rowRand {
	r := &rowRand{}
	r.Rand = rand.New(&r.src)
	return r
}

func (r *rowRand) seed(key uint64, i int64) { r.src.Seed(key^splitmix64(uint64(i)), uint64(i)) }

// chance reports true with probability perMille/1000.
func chance(r *rand.Rand, perMille int) bool { return r.IntN(1000) < perMille }

// weighted is a list of items drawn in proportion to integer weights.
type weighted[T any] struct {
	items []T
	cum   []uint32
}

func newWeighted[T any](items []T, weight func(T) uint32) weighted[T] {
	w := weighted[T]{items: items, cum: make([]uint32, len(items))}
	var sum uint32
	for i, it := range items {
		sum += weight(it)
		w.cum[i] = sum
	}
	return w
}

// index draws an index in proportion to the weights.
func (w *weighted[T]) index(r *rand.Rand) int { return w.at(r.Uint32N(w.total())) }

// at returns the index whose weight interval holds x (0 <= x < total).
func (w *weighted[T]) at(x uint32) int {
	lo, hi := 0, len(w.cum)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if w.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

func (w *weighted[T]) total() uint32 { return w.cum[len(w.cum)-1] }

// mulDiv returns a×b/c and the remainder, in 128 bits; the quotient must fit
// in 64 bits.
func mulDiv(a, b, c uint64) (q, r uint64) {
	hi, lo := bits.Mul64(a, b)
	return bits.Div64(hi, lo, c)
}
