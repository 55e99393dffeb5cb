// Package fold runs beamline's accumulators over PCollections: every bundle
// folds its elements (blocks of rows) into one partial accumulator, emitted
// when the bundle finishes, and the partials are merged into one. Per-row
// work stays in plain Go; Beam sees one element per bundle, on every runner
// (the legacy direct runner does not lift combines, so a plain
// CombineFn there would buffer every block before combining).
package fold

import (
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// Accumulator is a plain-Go accumulator of In elements: Add folds one
// element in, Merge another accumulator of the same configuration. The init
// value given to Over is the empty accumulator: its configuration must be
// in exported fields (Beam encodes DoFns as JSON) and it must hold no maps
// or slices (every bundle starts from a copy). Merge may be called on a zero
// value, so it adopts the other side's configuration when its own is unset.
type Accumulator[A, In any] interface {
	*A
	Add(In)
	Merge(A)
}

// Over folds every element of col (PCollection<In>) into one accumulator and
// returns PCollection<A> holding it (none when col is empty). init is the
// empty accumulator, carrying its configuration.
func Over[A, In any, PA Accumulator[A, In]](s beam.Scope, init A, col beam.PCollection) beam.PCollection {
	partials := beam.ParDo(s, &partialFn[A, In, PA]{Init: init}, col)
	return beam.Combine(s, &mergeFn[A, In, PA]{}, partials)
}

// Register registers the DoFn and the combiner Over uses for A over In;
// call it from an init function of the package defining A.
func Register[A, In any, PA Accumulator[A, In]]() {
	register.DoFn3x0[beam.EventTime, In, func(beam.EventTime, A)](&partialFn[A, In, PA]{})
	register.Emitter2[beam.EventTime, A]()
	register.Emitter1[A]()
	register.Combiner1[A](&mergeFn[A, In, PA]{})
}

// partialFn folds a bundle's elements into one accumulator. The folding
// runs on a goroutine of its own, fed in order through a small channel:
// the bundle's goroutine goes on parsing the next block, and every fold of
// the same blocks runs beside the others, so that a runner that gives a
// stage one bundle still uses every core. The partial is emitted at the
// earliest event time of the elements it folded: Beam's default for an
// element emitted in FinishBundle is 1970-01-01, which is ahead of elements
// at the minimum timestamp, and prism can then run a consumer of the result
// as a side input before the result exists.
type partialFn[A, In any, PA Accumulator[A, In]] struct {
	Init A

	acc  A
	used bool
	ts   beam.EventTime
	in   chan In
	done chan error
}

// depth is how many elements a fold may lag behind the bundle.
const depth = 2

func (f *partialFn[A, In, PA]) StartBundle(func(beam.EventTime, A)) {
	f.acc, f.used = f.Init, false
	f.in, f.done = make(chan In, depth), make(chan error, 1)
	go f.fold(f.in, f.done)
}

func (f *partialFn[A, In, PA]) fold(in <-chan In, done chan<- error) {
	defer func() {
		if r := recover(); r != nil {
			for range in { // let the bundle finish sending
			}
			done <- fmt.Errorf("fold: %v", r)
		}
	}()
	for e := range in {
		PA(&f.acc).Add(e)
	}
	done <- nil
}

func (f *partialFn[A, In, PA]) ProcessElement(ts beam.EventTime, in In, _ func(beam.EventTime, A)) {
	f.in <- in
	if !f.used || ts < f.ts {
		f.ts = ts
	}
	f.used = true
}

func (f *partialFn[A, In, PA]) FinishBundle(emit func(beam.EventTime, A)) error {
	close(f.in)
	if err := <-f.done; err != nil {
		return err
	}
	if f.used {
		emit(f.ts, f.acc)
	}
	var zero A
	f.acc = zero
	return nil
}

// mergeFn merges partial accumulators.
type mergeFn[A, In any, PA Accumulator[A, In]] struct{}

func (mergeFn[A, In, PA]) MergeAccumulators(a, b A) A {
	PA(&a).Merge(b)
	return a
}
