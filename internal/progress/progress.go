// Package progress counts what a pipeline has done so far in this process and
// reports it, while the pipeline runs, to the `beamline` command that started
// it: which stage the run is in and how many rows it has read and written.
//
// The counters are process-local: they move for the in-process runners
// (prism, direct) and for LOOPBACK submissions, whose workers run in the
// submitting process. A job whose workers run elsewhere (a cluster's worker
// pools) reports its stages only.
package progress

import (
	"encoding/json"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Rows read (parsed from CSV or documents, clean or rejected) and rows
// written to result part files, so far in this process.
var (
	Read    atomic.Int64
	Written atomic.Int64
)

// FDEnv names the variable holding the file descriptor a pipeline writes its
// progress to; `beamline` passes the write end of a pipe there.
const FDEnv = "BEAMLINE_PROGRESS_FD"

// Stages of a run, in order.
const (
	Starting   = "starting"   // checking flags and inputs
	Running    = "running"    // the runner executes the pipeline
	Committing = "committing" // renaming the datasets into place
	Publishing = "publishing" // loading the datasets into MongoDB
	Done       = "done"
	Failed     = "failed"
)

// Update is one progress line: a JSON object per line.
type Update struct {
	Pipeline string `json:"pipeline"`
	Run      string `json:"run,omitempty"`
	Stage    string `json:"stage"`
	Read     int64  `json:"read"`
	Written  int64  `json:"written"`
	Elapsed  int64  `json:"elapsed_ms"`
	Error    string `json:"error,omitempty"`
}

// Reporter writes Updates for one run: on every stage change and, while a
// stage lasts, every Interval.
type Reporter struct {
	pipeline, run string
	started       time.Time

	mu    sync.Mutex
	w     io.Writer
	stage string
	stop  chan struct{}
	done  chan struct{}
	end   sync.Once
}

// Interval is how often a Reporter repeats the current stage's counts.
const Interval = 250 * time.Millisecond

// FromEnv returns a Reporter writing to the descriptor named by FDEnv, or
// nil when the variable is unset or not a usable descriptor (a pipeline run
// by hand reports nothing). A nil Reporter's methods do nothing.
func FromEnv(pipeline, run string) *Reporter {
	v := os.Getenv(FDEnv)
	if v == "" {
		return nil
	}
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return nil
	}
	f := os.NewFile(uintptr(fd), "progress")
	if f == nil {
		return nil
	}
	return New(f, pipeline, run)
}

// New returns a Reporter writing to w and starts its ticker.
func New(w io.Writer, pipeline, run string) *Reporter {
	r := &Reporter{pipeline: pipeline, run: run, started: time.Now(), w: w, stage: Starting,
		stop: make(chan struct{}), done: make(chan struct{})}
	go r.tick()
	return r
}

func (r *Reporter) tick() {
	defer close(r.done)
	t := time.NewTicker(Interval)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.mu.Lock()
			r.write(r.stage, "")
			r.mu.Unlock()
		}
	}
}

// Stage records that the run entered stage.
func (r *Reporter) Stage(stage string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stage = stage
	r.write(stage, "")
}

// End reports the final stage (Done, or Failed with the cause) and stops
// the ticker; only the first call counts.
func (r *Reporter) End(stage string, cause error) {
	if r == nil {
		return
	}
	r.end.Do(func() { r.finish(stage, cause) })
}

func (r *Reporter) finish(stage string, cause error) {
	close(r.stop)
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	msg := ""
	if cause != nil {
		msg = cause.Error()
	}
	r.stage = stage
	r.write(stage, msg)
}

// write sends one line; errors are ignored (the reader may have gone away,
// which must not fail the run). Callers hold mu.
func (r *Reporter) write(stage, cause string) {
	b, _ := json.Marshal(Update{Pipeline: r.pipeline, Run: r.run, Stage: stage, Read: Read.Load(),
		Written: Written.Load(), Elapsed: time.Since(r.started).Milliseconds(), Error: cause})
	r.w.Write(append(b, '\n'))
}
