package pipelines_test

import (
	"bufio"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/data/gen/synth"
	"github.com/beamline/beamline/internal/fsys"
	"github.com/beamline/beamline/internal/hdfs"
	"github.com/beamline/beamline/internal/hdfstest"
	"github.com/beamline/beamline/internal/mongoembed"
	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/internal/results"
)

// killable is a pipeline process a test can pause (results.PauseEnv),
// kill, or let go on.
type killable struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	paused chan string
	done   chan struct{}

	mu     sync.Mutex
	stderr strings.Builder
	stdout strings.Builder
	code   int
}

// startKillable starts bin with args; with a stage, the process pauses
// there (see results.PauseEnv).
func startKillable(t *testing.T, bin, stage string, args ...string) *killable {
	t.Helper()
	k := &killable{cmd: exec.Command(bin, args...), paused: make(chan string, 1), done: make(chan struct{})}
	k.cmd.Dir = pipelinetest.Repo()
	k.cmd.Env = os.Environ()
	if stage != "" {
		k.cmd.Env = append(k.cmd.Env, results.PauseEnv+"="+stage)
	}
	var err error
	if k.stdin, err = k.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	errPipe, err := k.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	k.cmd.Stdout = lockedWriter{k, &k.stdout}
	if err := k.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(errPipe)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			k.mu.Lock()
			k.stderr.WriteString(line + "\n")
			k.mu.Unlock()
			if s, ok := strings.CutPrefix(line, "paused at "); ok {
				k.paused <- s
			}
		}
		err := k.cmd.Wait()
		k.mu.Lock()
		k.code = k.cmd.ProcessState.ExitCode()
		if err != nil && k.code == 0 {
			k.code = -1
		}
		k.mu.Unlock()
		close(k.done)
	}()
	t.Cleanup(func() { k.cmd.Process.Kill(); <-k.done })
	return k
}

type lockedWriter struct {
	k *killable
	b *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.k.mu.Lock()
	defer w.k.mu.Unlock()
	return w.b.Write(p)
}

// waitPaused waits until the process says it paused at stage.
func (k *killable) waitPaused(t *testing.T, stage string) {
	t.Helper()
	select {
	case s := <-k.paused:
		if s != stage {
			t.Fatalf("paused at %q, want %q", s, stage)
		}
	case <-k.done:
		t.Fatalf("the run ended (exit %d) before pausing at %s:\n%s", k.code, stage, k.output())
	case <-time.After(2 * time.Minute):
		t.Fatalf("no pause at %s within 2 minutes:\n%s", stage, k.output())
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (k *killable) kill(t *testing.T) {
	t.Helper()
	if err := k.cmd.Process.Signal(syscall.SIGKILL); err != nil && !strings.Contains(err.Error(), "finished") {
		t.Fatal(err)
	}
	<-k.done
}

// resume lets a paused process go on and returns its exit code and how
// long it took to end.
func (k *killable) resume(t *testing.T, within time.Duration) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	k.stdin.Close()
	select {
	case <-k.done:
	case <-time.After(within):
		t.Fatalf("still running %s after resuming:\n%s", within, k.output())
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.code, time.Since(start)
}

func (k *killable) output() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return "stdout:\n" + k.stdout.String() + "stderr:\n" + k.stderr.String()
}

// servedFile is a dataset as readers of the results folders see it.
type servedFile struct {
	Run  string
	Rows [][]string
}

// filesServed reads every dataset readers see under out, checking each is
// complete (its rows are those its _SUCCESS counts) and that no folder
// where readers look lacks its _SUCCESS.
func filesServed(t *testing.T, out string) map[string]servedFile {
	t.Helper()
	ctx := context.Background()
	metas, err := results.List(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]servedFile{}
	for _, m := range metas {
		mm, rows, err := results.ReadAll(ctx, out, m.Path)
		if err != nil {
			t.Fatalf("%s: %v", m.Path, err)
		}
		if int64(len(rows)) != mm.Rows {
			t.Errorf("%s: %d rows, its _SUCCESS says %d", m.Path, len(rows), mm.Rows)
		}
		got[m.Path] = servedFile{mm.RunID, rows}
	}
	for _, family := range []string{"pig", "spark", "rejects/sales"} {
		dirs, _ := os.ReadDir(filepath.Join(out, family))
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(out, family, d.Name(), results.SuccessFile)); err != nil {
				t.Errorf("%s/%s is where readers look but has no %s", family, d.Name(), results.SuccessFile)
			}
		}
	}
	return got
}

// servedDoc is a dataset as the API's reads of MongoDB see it.
type servedDoc struct {
	Run  string
	Rows []bson.A
}

// mongoServed reads every dataset the API serves (publish.Catalogue and
// Page), checking each is complete.
func mongoServed(t *testing.T, uri string) map[string]servedDoc {
	t.Helper()
	ctx := context.Background()
	s, err := mongostore.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := publish.Catalogue(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]servedDoc{}
	for _, d := range all {
		if _, err := publish.Lookup(ctx, s, d.Path); err != nil {
			t.Errorf("Lookup %s: %v", d.Path, err)
		}
		rows, err := publish.Page(ctx, s, d, 0, d.Rows)
		if err != nil {
			t.Fatalf("%s: %v", d.Path, err)
		}
		if int64(len(rows)) != d.Rows {
			t.Errorf("MongoDB %s: %d rows served, header says %d", d.Path, len(rows), d.Rows)
		}
		got[d.Path] = servedDoc{d.RunID, rows}
	}
	return got
}

// runsBy returns the runs recorded in MongoDB, by id.
func runsBy(t *testing.T, uri string) map[string]publish.Run {
	t.Helper()
	s, err := mongostore.Connect(context.Background(), uri)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := publish.Runs(context.Background(), s, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]publish.Run{}
	for _, r := range all {
		out[r.ID] = r
	}
	return out
}

// rowsOfRun counts the documents of a run in `results`.
func rowsOfRun(t *testing.T, uri, run string) int64 {
	t.Helper()
	s, err := mongostore.Connect(context.Background(), uri)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := s.DB.Collection(mongostore.Results).CountDocuments(context.Background(), bson.D{{Key: "run_id", Value: run}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func runsOf[V any](m map[string]V, run func(V) string) map[string]int {
	out := map[string]int{}
	for _, v := range m {
		out[run(v)]++
	}
	return out
}

func fileRun(f servedFile) string { return f.Run }
func docRun(d servedDoc) string   { return d.Run }

// generatedSales writes a 20,000-row dirty input, different from the
// reference data, so a test can tell the runs' results apart.
func generatedSales(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := synth.Generate(synth.Config{Rows: 20000, Seed: 7, Dirty: 0.02, Dir: dir}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestKilledRunLeavesThePreviousResults kills the sales pipeline with
// SIGKILL at each named point of a run (results.PauseEnv): while it writes
// part files, once it has read everything, with its commit journal
// written, half way through swapping the datasets in, and half way through
// publishing to MongoDB. Each time every dataset readers see — in the
// results folders and through the API's reads of MongoDB — is complete and
// is the previous run's (or, once the commit is decided, the killed run's),
// and the next run repairs what was left and succeeds.
func TestKilledRunLeavesThePreviousResults(t *testing.T) {
	bin := pipelinetest.Build(t, "./pipelines/sales")
	ref := filepath.Join(pipelinetest.Repo(), "data/input")
	gen := generatedSales(t)
	for _, stage := range []string{"write", "manifest", "commit", "swap", "publish"} {
		t.Run(stage, func(t *testing.T) {
			out, uri := t.TempDir(), mongotest.URI(t)
			pipelinetest.MustRun(t, bin, "--input", ref, "--output", out, "--mongo-uri", uri)
			before, beforeDocs := filesServed(t, out), mongoServed(t, uri)
			if len(before) != 12 || len(beforeDocs) != 12 {
				t.Fatalf("the first run serves %d datasets in files, %d in MongoDB; want 12", len(before), len(beforeDocs))
			}
			var prev string
			for r := range runsOf(before, fileRun) {
				prev = r
			}

			k := startKillable(t, bin, stage, "--input", gen, "--output", out, "--mongo-uri", uri)
			k.waitPaused(t, stage)
			k.kill(t)
			var killed string
			for id := range runsBy(t, uri) {
				if id != prev {
					killed = id
				}
			}
			if killed == "" {
				t.Fatal("the killed run is not recorded")
			}

			files := filesServed(t, out)
			if len(files) != len(before) {
				t.Fatalf("after the kill %d datasets are served from files, %d before", len(files), len(before))
			}
			byRun := runsOf(files, fileRun)
			switch stage {
			case "swap": // the commit was decided: some datasets are the killed run's already
				if byRun[prev] == 0 || byRun[killed] == 0 || byRun[prev]+byRun[killed] != len(files) {
					t.Errorf("datasets by run mid-swap: %v", byRun)
				}
			case "publish": // committed, not published
				if byRun[killed] != len(files) {
					t.Errorf("datasets by run after the commit: %v", byRun)
				}
			default:
				if byRun[prev] != len(files) {
					t.Errorf("datasets by run: %v, want all of %s", byRun, prev)
				}
			}
			for path, f := range files {
				if f.Run == prev && !reflect.DeepEqual(f, before[path]) {
					t.Errorf("%s changed but is still served as run %s", path, prev)
				}
			}
			if docs := mongoServed(t, uri); !reflect.DeepEqual(docs, beforeDocs) {
				t.Errorf("MongoDB serves %v after the kill, want the previous run's datasets unchanged %v",
					runsOf(docs, docRun), runsOf(beforeDocs, docRun))
			}

			// The next run repairs and succeeds.
			r := pipelinetest.MustRun(t, bin, "--input", gen, "--output", out, "--mongo-uri", uri)
			rolled := strings.Contains(r.Stderr, "finished the commit of an interrupted run") && strings.Contains(r.Stderr, killed)
			if want := stage == "commit" || stage == "swap"; rolled != want {
				t.Errorf("rolled the killed run forward: %v, want %v\n%s", rolled, want, r.Stderr)
			}
			after, docs := filesServed(t, out), mongoServed(t, uri)
			byRun = runsOf(after, fileRun)
			if len(byRun) != 1 || len(after) != len(before) {
				t.Errorf("after the repair run, datasets by run: %v", byRun)
			}
			for path, f := range after {
				d, ok := docs[path]
				if !ok || d.Run != f.Run || int64(len(d.Rows)) != int64(len(f.Rows)) {
					t.Errorf("%s: MongoDB serves run %s (%d rows), the files run %s (%d rows)", path, d.Run, len(d.Rows), f.Run, len(f.Rows))
				}
			}
			runs := runsBy(t, uri)
			if st := runs[killed].Status; stage == "publish" && st != publish.Failed {
				t.Errorf("the run killed while publishing is %q, want %q", st, publish.Failed)
			}
			if n := rowsOfRun(t, uri, killed); n != 0 {
				t.Errorf("%d documents of the killed run left in results", n)
			}
			if n := rowsOfRun(t, uri, prev); n != 0 {
				t.Errorf("%d documents of the replaced run left in results", n)
			}
			left, _ := os.ReadDir(filepath.Join(out, results.TempFolder))
			var names []string
			for _, e := range left {
				names = append(names, e.Name())
			}
			// A run killed before its journal leaves its staging folder,
			// ignored by readers, until it is results.StaleAfter old.
			want := ""
			if stage == "write" || stage == "manifest" {
				want = killed
			}
			if strings.Join(names, " ") != want {
				t.Errorf("staging left: %v, want %q", names, want)
			}
		})
	}
}

// TestRandomKills kills the sales pipeline at random times of its run and
// checks after each kill that every dataset served from the files and from
// MongoDB is complete; then a run succeeds and both serve it.
func TestRandomKills(t *testing.T) {
	bin := pipelinetest.Build(t, "./pipelines/sales")
	gen := generatedSales(t)
	out, uri := t.TempDir(), mongotest.URI(t)
	start := time.Now()
	pipelinetest.MustRun(t, bin, "--input", filepath.Join(pipelinetest.Repo(), "data/input"), "--output", out, "--mongo-uri", uri)
	pipelinetest.MustRun(t, bin, "--input", gen, "--output", out, "--mongo-uri", uri)
	full := time.Since(start) / 2
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("a run takes about %s; seed %d", full.Round(time.Millisecond), seed)
	for i := range 6 {
		at := time.Duration(rng.Int64N(int64(full) * 3 / 2))
		input := gen
		if i%2 == 0 {
			input = filepath.Join(pipelinetest.Repo(), "data/input")
		}
		k := startKillable(t, bin, "", "--input", input, "--output", out, "--mongo-uri", uri)
		time.Sleep(at)
		k.kill(t)
		files, docs := filesServed(t, out), mongoServed(t, uri)
		if len(files) != 12 || len(docs) != 12 {
			t.Errorf("kill %d after %s: %d datasets in files, %d in MongoDB, want 12", i, at, len(files), len(docs))
		}
		t.Logf("kill %d after %s: files by run %v, MongoDB by run %v", i, at.Round(time.Millisecond), runsOf(files, fileRun), runsOf(docs, docRun))
	}
	pipelinetest.MustRun(t, bin, "--input", gen, "--output", out, "--mongo-uri", uri)
	files, docs := filesServed(t, out), mongoServed(t, uri)
	if byRun := runsOf(files, fileRun); len(byRun) != 1 || !reflect.DeepEqual(byRun, runsOf(docs, docRun)) {
		t.Errorf("after a run: files by run %v, MongoDB by run %v", byRun, runsOf(docs, docRun))
	}
}

// TestMongoGoesAwayDuringARun stops MongoDB (an embedded server of the
// test's own on a fixed address) while the sales pipeline publishes, after
// some of its chunks are in: the run fails within a bound set by
// mongostore's timeouts, with a message naming MongoDB and exit 1; once
// MongoDB is back on the same files the previous run is still what is
// served, and the next run publishes and cleans up. A MongoDB already down
// when a run starts fails it before any work, within ConnectTimeout.
func TestMongoGoesAwayDuringARun(t *testing.T) {
	bin := pipelinetest.Build(t, "./pipelines/sales")
	gen := generatedSales(t)
	dir, addr := t.TempDir(), mongotest.FreeAddr(t)
	db, err := mongoembed.Start(dir, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	uri := strings.TrimSuffix(db.URI(), "/") + "/away"
	out := t.TempDir()
	pipelinetest.MustRun(t, bin, "--input", filepath.Join(pipelinetest.Repo(), "data/input"), "--output", out, "--mongo-uri", uri)
	before := mongoServed(t, uri)

	k := startKillable(t, bin, "publish", "--input", gen, "--output", out, "--mongo-uri", uri)
	k.waitPaused(t, "publish")
	err = db.Close()
	db = nil
	if err != nil {
		t.Fatal(err)
	}
	// The bound: a write waits for a server up to ConnectTimeout (the
	// driver's server selection timeout), and so does marking the run
	// failed afterwards; OpTimeout caps any single operation.
	bound := 2*mongostore.ConnectTimeout + 10*time.Second
	code, took := k.resume(t, bound+time.Minute)
	t.Logf("MongoDB stopped mid-publish: exit %d after %s", code, took.Round(time.Millisecond))
	stderr := k.output()
	if code != 1 || !strings.Contains(stderr, "publishing them to MongoDB failed: ") || !strings.Contains(stderr, "MongoDB away.results") || strings.Contains(stderr, "panic") {
		t.Errorf("exit %d, want 1 and a message naming MongoDB:\n%s", code, stderr)
	}
	if took > bound {
		t.Errorf("the run failed %s after MongoDB stopped, want under %s", took, bound)
	}

	if db, err = mongoembed.Start(dir, addr, nil); err != nil {
		t.Fatal(err)
	}
	if after := mongoServed(t, uri); !reflect.DeepEqual(after, before) {
		t.Errorf("once MongoDB is back it serves %v, want the previous run's datasets %v", runsOf(after, docRun), runsOf(before, docRun))
	}
	r := pipelinetest.MustRun(t, bin, "--input", gen, "--output", out, "--mongo-uri", uri)
	files, docs := filesServed(t, out), mongoServed(t, uri)
	if byRun := runsOf(files, fileRun); len(byRun) != 1 || !reflect.DeepEqual(byRun, runsOf(docs, docRun)) {
		t.Errorf("after the next run: files by run %v, MongoDB by run %v\n%s", byRun, runsOf(docs, docRun), r.Stdout)
	}
	for id, run := range runsBy(t, uri) {
		if run.Status == publish.Publishing || run.Status == publish.Running {
			t.Errorf("run %s is still %q", id, run.Status)
		}
		if run.Status == publish.Failed && rowsOfRun(t, uri, id) != 0 {
			t.Errorf("the interrupted run %s left documents in results", id)
		}
	}

	db.Close()
	db = nil
	start := time.Now()
	down := pipelinetest.Run(t, bin, "--input", gen, "--output", out, "--mongo-uri", uri)
	took = time.Since(start)
	t.Logf("MongoDB down at start: exit %d after %s", down.Code, took.Round(time.Millisecond))
	if down.Code != 1 || !strings.Contains(down.Stderr, "MongoDB "+uri+" is not reachable") {
		t.Errorf("exit %d, stderr:\n%s", down.Code, down.Stderr)
	}
	if took > mongostore.ConnectTimeout+10*time.Second {
		t.Errorf("failed after %s with MongoDB down, want about %s", took, mongostore.ConnectTimeout)
	}
}

// TestNamenodeGoesAway: the sales pipeline on HDFS fails with an error
// naming the namenode within BEAMLINE_HDFS_TIMEOUT (not a hang) when the
// namenode is unreachable at start, and when it goes away while the run
// writes its part files; the previous results stay, and a run succeeds
// once the namenode is back. (internal/hdfs tests the client's own bound.)
func TestNamenodeGoesAway(t *testing.T) {
	srv, err := hdfstest.Start(hdfstest.Options{BlockSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	t.Setenv("HADOOP_USER_NAME", "beamline")
	const timeout = 2 * time.Second
	t.Setenv(hdfs.TimeoutEnv, timeout.String())
	ctx := context.Background()
	hin, hout := srv.URL()+"/in", srv.URL()+"/out"
	body, err := os.ReadFile(filepath.Join(pipelinetest.Repo(), "data/input/sales_data.csv"))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := fsys.For(ctx, hin)
	if err != nil {
		t.Fatal(err)
	}
	if err := fsys.WriteFile(ctx, fs, hin+"/sales_data.csv", body); err != nil {
		t.Fatal(err)
	}
	bin := pipelinetest.Build(t, "./pipelines/sales")
	pipelinetest.MustRun(t, bin, "--input", hin, "--output", hout)
	before, err := results.List(ctx, hout)
	if err != nil || len(before) != 12 {
		t.Fatalf("first run on HDFS: %d datasets, %v", len(before), err)
	}

	srv.Stop()
	start := time.Now()
	r := pipelinetest.Run(t, bin, "--input", hin, "--output", hout)
	took := time.Since(start)
	t.Logf("namenode down at start: exit %d after %s: %s", r.Code, took.Round(time.Millisecond), strings.TrimSpace(r.Stderr))
	if r.Code != 1 || !strings.Contains(r.Stderr, "(namenode "+srv.Addr()+")") || strings.Contains(r.Stderr, "panic") {
		t.Errorf("exit %d, stderr:\n%s", r.Code, r.Stderr)
	}
	if took > 3*timeout+5*time.Second {
		t.Errorf("took %s with the namenode down, %s=%s", took, hdfs.TimeoutEnv, timeout)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}

	k := startKillable(t, bin, "write", "--input", hin, "--output", hout)
	k.waitPaused(t, "write")
	srv.Stop()
	code, took := k.resume(t, 2*time.Minute)
	out := k.output()
	t.Logf("namenode gone mid-write: exit %d after %s:\n%s", code, took.Round(time.Millisecond), out)
	if code != 1 || !strings.Contains(out, "(namenode "+srv.Addr()+")") || strings.Contains(out, "panic") {
		t.Errorf("exit %d, want 1 and an error naming the namenode:\n%s", code, out)
	}
	if bound := 6*timeout + 10*time.Second; took > bound {
		t.Errorf("the run failed %s after the namenode went away, want under %s", took, bound)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// this process's client reconnects after its own 5s back-off
	var after []results.Meta
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if after, err = results.List(ctx, hout); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || !reflect.DeepEqual(after, before) {
		t.Errorf("after the failed run: %v (%v), want the previous results", after, err)
	}
	pipelinetest.MustRun(t, bin, "--input", hin, "--output", hout)
}
