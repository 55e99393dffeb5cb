// Package launch runs beamline's pipelines as child processes for the
// `beamline` command: it finds (or builds) the pipeline binaries, starts one
// with its flags, follows its progress and reports how it ended. Each
// pipeline stays its own binary, as Beam's portable runners need (a cluster's
// worker pools run the very binary that submitted the job).
package launch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/beamline/beamline/internal/progress"
)

// Pipelines are beamline's pipeline commands, in the order a full run takes
// them: ingest first (it writes the others' input), mongo last (it reads
// what ingest loaded).
var Pipelines = []string{"ingest", "employees", "sales", "advanced", "mongo"}

// Analyses are the pipelines that read the input root and write results.
var Analyses = []string{"employees", "sales", "advanced", "mongo"}

// BinEnv names the variable pointing at a directory holding the pipeline
// binaries, when they are neither beside the beamline executable nor on PATH.
const BinEnv = "BEAMLINE_BIN"

// Module is the Go module whose pipelines can be built when no binaries are
// installed (`go run ./cmd/beamline up` from a checkout).
const Module = "github.com/beamline/beamline"

// Known reports whether name is a pipeline.
func Known(name string) bool {
	for _, p := range Pipelines {
		if p == name {
			return true
		}
	}
	return false
}

// Binaries is where the pipeline binaries are.
type Binaries struct {
	Dir string // "" when they are found on PATH
}

// Path returns the binary of pipeline.
func (b Binaries) Path(pipeline string) string {
	if b.Dir == "" {
		p, _ := exec.LookPath(pipeline)
		return p
	}
	return filepath.Join(b.Dir, pipeline)
}

// Locate finds the pipeline binaries: in $BEAMLINE_BIN, beside the running
// executable, or on PATH. When none has them all and the working directory
// is a beamline checkout with a Go toolchain, it builds them into buildDir
// (Go's build cache makes this quick after the first time).
func Locate(ctx context.Context, buildDir string, log *slog.Logger) (Binaries, error) {
	var dirs []string
	if d := os.Getenv(BinEnv); d != "" {
		dirs = append(dirs, d)
	}
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			dirs = append(dirs, filepath.Dir(exe))
		}
	}
	for _, d := range dirs {
		if hasAll(d) {
			return Binaries{Dir: d}, nil
		}
	}
	onPath := true
	for _, p := range Pipelines {
		if _, err := exec.LookPath(p); err != nil {
			onPath = false
			break
		}
	}
	if onPath {
		return Binaries{}, nil
	}
	if buildDir != "" && inCheckout() {
		if _, err := exec.LookPath("go"); err == nil {
			return build(ctx, buildDir, log)
		}
	}
	return Binaries{}, fmt.Errorf("the pipeline binaries (%s) are not beside %s, not in $%s and not on PATH: run `make build` (they go to bin/) or set %s",
		strings.Join(Pipelines, ", "), strings.Join(dirs, " or "), BinEnv, BinEnv)
}

// hasAll reports whether dir holds every pipeline binary.
func hasAll(dir string) bool {
	for _, p := range Pipelines {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// inCheckout reports whether the working directory is the root of a beamline
// source tree.
func inCheckout() bool {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(strings.TrimPrefix(first, "module")) == Module
}

// build compiles the pipelines of the checkout into dir.
func build(ctx context.Context, dir string, log *slog.Logger) (Binaries, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Binaries{}, err
	}
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	for _, p := range Pipelines {
		args = append(args, "./pipelines/"+p)
	}
	log.Info("building the pipelines", "into", dir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return Binaries{}, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	log.Info("built the pipelines", "in", time.Since(start).Round(time.Millisecond))
	return Binaries{Dir: dir}, nil
}

// Job is one pipeline to run.
type Job struct {
	Pipeline string
	Args     []string
	Env      []string // added to the environment
	// Stdout receives the pipeline's standard output (its summary lines);
	// Stderr its errors. nil discards.
	Stdout, Stderr io.Writer
	// Progress, if set, is called with each progress update.
	Progress func(progress.Update)
}

// Result is how a job ended.
type Result struct {
	Pipeline string
	Run      string // the run id, once the pipeline reported it
	Code     int    // the exit status; -1 when it could not start or was killed
	Elapsed  time.Duration
	Last     progress.Update // the last progress update
	// Err says why the job failed: the last lines it wrote to stderr, or
	// why it could not start. nil on success.
	Err error
}

// Run runs job's pipeline and waits for it. Cancelling ctx interrupts the
// pipeline (SIGINT, then SIGKILL after 10 s); its results stay as they were,
// since a run commits only when it finishes.
func (b Binaries) Run(ctx context.Context, job Job) Result {
	res := Result{Pipeline: job.Pipeline, Code: -1}
	bin := b.Path(job.Pipeline)
	if bin == "" {
		res.Err = fmt.Errorf("%s: binary not found", job.Pipeline)
		return res
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		res.Err = err
		return res
	}
	defer pr.Close()
	cmd := exec.CommandContext(ctx, bin, job.Args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = append(append(os.Environ(), job.Env...), progress.FDEnv+"=3")
	cmd.ExtraFiles = []*os.File{pw}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // Ctrl-C reaches beamline, which interrupts the child
	tail := &tailBuffer{max: 4096}
	cmd.Stdout = orDiscard(job.Stdout)
	cmd.Stderr = io.MultiWriter(orDiscard(job.Stderr), tail)

	start := time.Now()
	if err := cmd.Start(); err != nil {
		pw.Close()
		res.Err = fmt.Errorf("%s: %w", job.Pipeline, err)
		return res
	}
	pw.Close() // the child holds the write end now
	var wg sync.WaitGroup
	wg.Go(func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var u progress.Update
			if json.Unmarshal(sc.Bytes(), &u) != nil {
				continue
			}
			res.Last = u
			if u.Run != "" {
				res.Run = u.Run
			}
			if job.Progress != nil {
				job.Progress(u)
			}
		}
	})
	err = cmd.Wait()
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Code = cmd.ProcessState.ExitCode()
	if err != nil {
		msg := strings.TrimSpace(tail.String())
		if msg == "" {
			msg = err.Error()
		}
		var exit *exec.ExitError
		if ctx.Err() != nil && !errors.As(err, &exit) {
			msg = "interrupted"
		}
		res.Err = errors.New(msg)
	}
	return res
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
