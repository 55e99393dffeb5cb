// Package order ranks grouped results deterministically: by a comparison of
// their values, ties broken by key, so that every ordered dataset has one
// order whatever the order its groups were merged in.
package order

import "sort"

// Entry is one group: its key and value.
type Entry[V any] struct {
	Key   string
	Value V
}

// Entries returns m's entries ordered by cmp (negative when a comes
// first), ties broken by key ascending.
func Entries[V any](m map[string]V, cmp func(a, b *V) int) []Entry[V] {
	out := make([]Entry[V], 0, len(m))
	for k, v := range m {
		out = append(out, Entry[V]{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if c := cmp(&out[i].Value, &out[j].Value); c != 0 {
			return c < 0
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// Listed orders keys by their position in keys (unknown keys last), for
// groups with a natural order such as bands; use it as Entries' key order
// with ByKeyIn.
func Listed(keys []string) func(key string) int {
	pos := make(map[string]int, len(keys))
	for i, k := range keys {
		pos[k] = i
	}
	return func(key string) int {
		if p, ok := pos[key]; ok {
			return p
		}
		return len(keys)
	}
}

// ByKeyIn returns m's entries ordered by rank(key), ties by key.
func ByKeyIn[V any](m map[string]V, rank func(key string) int) []Entry[V] {
	out := Entries(m, func(a, b *V) int { return 0 })
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Key) < rank(out[j].Key) })
	return out
}

// Int compares two integers: -1, 0 or 1.
func Int(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
