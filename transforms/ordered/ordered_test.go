package ordered

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

func TestPoolKeepsInputOrder(t *testing.T) {
	p := NewPool(func(v int) (int, error) {
		time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
		return v * 10, nil
	})
	var got []int
	emit := func(ts beam.EventTime, v int) {
		if int(ts) != v/10 {
			t.Errorf("result %d has event time %d", v, ts)
		}
		got = append(got, v)
	}
	for i := 0; i < 200; i++ {
		if err := p.Put(beam.EventTime(i), i, emit); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Finish(emit); err != nil {
		t.Fatal(err)
	}
	if len(got) != 200 {
		t.Fatalf("%d results", len(got))
	}
	for i, v := range got {
		if v != i*10 {
			t.Fatalf("result %d is %d", i, v)
		}
	}
}

func TestPoolReportsTheFirstError(t *testing.T) {
	boom := errors.New("boom")
	p := NewPool(func(v int) (int, error) {
		if v == 3 {
			return 0, boom
		}
		return v, nil
	})
	var err error
	for i := 0; i < 10 && err == nil; i++ {
		err = p.Put(0, i, func(beam.EventTime, int) {})
	}
	if ferr := p.Finish(func(beam.EventTime, int) {}); err == nil {
		err = ferr
	}
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
}
