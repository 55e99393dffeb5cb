package order

import "testing"

func TestEntriesBreakTiesByKey(t *testing.T) {
	m := map[string]int64{"b": 2, "a": 2, "c": 5, "d": 1}
	got := Entries(m, func(a, b *int64) int { return Int(*b, *a) })
	var keys string
	for _, e := range got {
		keys += e.Key
	}
	if keys != "cabd" {
		t.Errorf("order %s", keys)
	}
}

func TestByKeyIn(t *testing.T) {
	m := map[string]int{"High": 1, "Low": 2, "Other": 3, "Medium": 4}
	got := ByKeyIn(m, Listed([]string{"Low", "Medium", "High"}))
	var keys []string
	for _, e := range got {
		keys = append(keys, e.Key)
	}
	if len(keys) != 4 || keys[0] != "Low" || keys[1] != "Medium" || keys[2] != "High" || keys[3] != "Other" {
		t.Errorf("order %v", keys)
	}
}
