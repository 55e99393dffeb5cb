package synth

import (
	"io"
	"runtime"
	"sync"
	"sync/atomic"
)

// fileGen generates one file: its header and, per worker, its rows.
type fileGen interface {
	header() string
	worker() rowWorker
}

// rowWorker formats rows; a worker is used by one goroutine at a time.
type rowWorker interface {
	// valid appends valid row i (a pure function of i) and counts its
	// tricky formatting in st.
	valid(b []byte, i int64, st *stats) []byte
	// bad appends row i broken in way k.
	bad(b []byte, i int64, k Kind) []byte
}

// stats counts what a run of rows holds.
type stats struct {
	kinds  [numKinds]int64
	dups   int64
	tricky [numTricky]int64
}

// count notes a valid row's tricky formatting.
func (st *stats) count(c *cells) {
	switch c.style {
	case styleCRLF:
		st.tricky[trickyCRLF]++
	case stylePadded:
		st.tricky[trickyPadded]++
	case styleQuoted:
		st.tricky[trickyQuoted]++
	case styleBlank:
		st.tricky[trickyBlankLine]++
	}
	if c.comma {
		st.tricky[trickyQuotedComma]++
	}
	if c.newline {
		st.tricky[trickyQuotedNewline]++
	}
}

func (st *stats) add(o *stats) {
	for i := range st.kinds {
		st.kinds[i] += o.kinds[i]
	}
	for i := range st.tricky {
		st.tricky[i] += o.tricky[i]
	}
	st.dups += o.dups
}

// chunkRows is how many rows a worker formats at a time (a variable so
// that tests can make chunks small).
var chunkRows int64 = 1 << 14

// rowBytes is room for a typical row, to size chunk buffers.
const rowBytes = 160

// fill appends rows start..end-1 to b: the plan's bad rows and duplicates
// where it puts them, valid rows elsewhere.
func fill(b []byte, w rowWorker, p *plan, start, end int64, st *stats) []byte {
	e := p.first(start)
	for i := start; i < end; i++ {
		if e < len(p.events) && p.events[e].pos == i {
			ev := &p.events[e]
			e++
			if ev.kind == kindDuplicate {
				b = w.valid(b, ev.src, st)
				st.dups++
			} else {
				b = w.bad(b, i, ev.kind)
				st.kinds[ev.kind]++
			}
			continue
		}
		b = w.valid(b, i, st)
	}
	return b
}

// writeRows writes rows 0..n-1 to out, formatting chunks on up to workers
// goroutines and writing them in order.
func writeRows(out io.Writer, g fileGen, p *plan, n int64, workers int) (stats, error) {
	var total stats
	chunks := (n + chunkRows - 1) / chunkRows
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = int(min(int64(workers), chunks))
	if workers <= 1 {
		w := g.worker()
		buf := make([]byte, 0, chunkRows*rowBytes)
		for c := range chunks {
			buf = fill(buf[:0], w, p, c*chunkRows, min(n, (c+1)*chunkRows), &total)
			if _, err := out.Write(buf); err != nil {
				return total, err
			}
		}
		return total, nil
	}

	type result struct {
		buf []byte
		st  stats
	}
	type job struct {
		start, end int64
		done       chan result
	}
	jobs := make(chan job)
	order := make(chan chan result, 2*workers) // bounds the chunks in flight
	free := make(chan []byte, 3*workers)
	var stop atomic.Bool
	go func() {
		defer close(order)
		defer close(jobs)
		for c := int64(0); c < chunks && !stop.Load(); c++ {
			done := make(chan result, 1)
			order <- done
			jobs <- job{c * chunkRows, min(n, (c+1)*chunkRows), done}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := g.worker()
			for j := range jobs {
				var buf []byte
				select {
				case buf = <-free:
				default:
					buf = make([]byte, 0, chunkRows*rowBytes)
				}
				var st stats
				buf = fill(buf[:0], w, p, j.start, j.end, &st)
				j.done <- result{buf, st}
			}
		}()
	}
	var err error
	for done := range order {
		r := <-done
		if err == nil {
			if _, err = out.Write(r.buf); err != nil {
				stop.Store(true)
			}
		}
		total.add(&r.st)
		select {
		case free <- r.buf:
		default:
		}
	}
	wg.Wait()
	return total, err
}
