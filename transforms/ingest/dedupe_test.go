package ingest

import "testing"

func TestFirstsKeepsTheEarliestOccurrence(t *testing.T) {
	var a, b Firsts
	a.Add("T1", Position{Seq: 2, Line: 40})
	a.Add("T2", Position{Seq: 2, Line: 41})
	b.Add("T1", Position{Seq: 1, Line: 9})
	b.Add("T3", Position{Seq: 1, Line: 10})
	b.Add("T3", Position{Seq: 1, Line: 12})
	a.Merge(b)
	if !a.Dup["T1"] || !a.Dup["T3"] || a.Dup["T2"] {
		t.Errorf("dups %v", a.Dup)
	}
	if !a.Keep("T1", Position{1, 9}) || a.Keep("T1", Position{2, 40}) || !a.Keep("T3", Position{1, 10}) || a.Keep("T3", Position{1, 12}) {
		t.Error("Keep should accept exactly the first occurrence")
	}
	d := dropUnique(0, a)
	if len(d.First) != 2 || !d.Keep("T2", Position{9, 9}) {
		t.Errorf("dropUnique %v", d.First)
	}
}
