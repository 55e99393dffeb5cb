// Package ordered runs a function over a bundle's elements on several
// goroutines and hands the results back in input order, on the bundle's
// goroutine, at each input's event time. Runners may give a stage a single
// bundle (prism does while its elements keep making progress); a DoFn that
// feeds its heavy per-element work through a Pool still uses every core.
package ordered

import (
	"runtime"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// Pool processes elements In into results Out with one worker per core,
// keeping at most twice that many in flight.
type Pool[In, Out any] struct {
	fn      func(In) (Out, error)
	work    chan job[In, Out]
	pending []job[In, Out] // in input order
}

type job[In, Out any] struct {
	ts   beam.EventTime
	in   In
	done chan result[Out]
}

type result[Out any] struct {
	out Out
	err error
}

// NewPool starts a pool that applies fn.
func NewPool[In, Out any](fn func(In) (Out, error)) *Pool[In, Out] {
	n := runtime.GOMAXPROCS(0)
	p := &Pool[In, Out]{fn: fn, work: make(chan job[In, Out], n)}
	for i := 0; i < n; i++ {
		go p.worker()
	}
	return p
}

func (p *Pool[In, Out]) worker() {
	for j := range p.work {
		out, err := p.fn(j.in)
		j.done <- result[Out]{out, err}
	}
}

// Put submits an element, then emits the results that are ready, in order,
// waiting when too many are in flight.
func (p *Pool[In, Out]) Put(ts beam.EventTime, in In, emit func(beam.EventTime, Out)) error {
	j := job[In, Out]{ts: ts, in: in, done: make(chan result[Out], 1)}
	p.work <- j
	p.pending = append(p.pending, j)
	limit := 2 * cap(p.work)
	for len(p.pending) > 0 {
		var r result[Out]
		if len(p.pending) > limit {
			r = <-p.pending[0].done
		} else {
			select {
			case r = <-p.pending[0].done:
			default:
				return nil
			}
		}
		if err := p.take(r, emit); err != nil {
			return err
		}
	}
	return nil
}

// Finish waits for every element and emits the remaining results in order,
// then stops the workers.
func (p *Pool[In, Out]) Finish(emit func(beam.EventTime, Out)) error {
	defer close(p.work)
	for len(p.pending) > 0 {
		if err := p.take(<-p.pending[0].done, emit); err != nil {
			for _, j := range p.pending { // let the workers finish what is queued
				<-j.done
			}
			p.pending = nil
			return err
		}
	}
	return nil
}

// take emits the result of the oldest pending element.
func (p *Pool[In, Out]) take(r result[Out], emit func(beam.EventTime, Out)) error {
	head := p.pending[0]
	p.pending = p.pending[1:]
	if r.err != nil {
		return r.err
	}
	emit(head.ts, r.out)
	return nil
}
