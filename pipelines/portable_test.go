package pipelines_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	jobpb "github.com/apache/beam/sdks/v2/go/pkg/beam/model/jobmanagement_v1"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/internal/results"
)

// jobServer is a Beam job service in a process of its own, as a Flink or
// Spark job server is: prism, built from the Beam module.
type jobServer struct {
	Endpoint string
	cmd      *exec.Cmd
	exited   chan struct{}
}

// startJobServer starts prism on a free loopback port and waits until it
// accepts connections; it is stopped when t ends.
func startJobServer(t *testing.T) *jobServer {
	t.Helper()
	bin := pipelinetest.Build(t, "github.com/apache/beam/sdks/v2/go/cmd/prism")
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := lis.Addr().(*net.TCPAddr).Port
	lis.Close()
	logFile := filepath.Join(t.TempDir(), "prism.log")
	log, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	js := &jobServer{
		Endpoint: "127.0.0.1:" + strconv.Itoa(port),
		cmd:      exec.Command(bin, "--job_port", strconv.Itoa(port), "--serve_http=false", "--log_kind", "text"),
		exited:   make(chan struct{}),
	}
	js.cmd.Stdout, js.cmd.Stderr = log, log
	if err := js.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { js.cmd.Wait(); log.Close(); close(js.exited) }()
	t.Cleanup(func() {
		js.Stop()
		if t.Failed() {
			b, _ := os.ReadFile(logFile)
			t.Logf("prism log:\n%s", b)
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case <-js.exited:
			t.Fatalf("prism exited before it served on port %d", port)
		default:
		}
		if c, err := net.DialTimeout("tcp", js.Endpoint, time.Second); err == nil {
			c.Close()
			return js
		}
		if time.Now().After(deadline) {
			t.Fatalf("prism does not accept connections at %s", js.Endpoint)
		}
	}
}

// Stop kills the job server and waits until it is gone.
func (js *jobServer) Stop() {
	js.cmd.Process.Kill()
	<-js.exited
}

// jobs returns the state of every job the job server was given.
func (js *jobServer) jobs(t *testing.T) []string {
	t.Helper()
	conn, err := grpc.NewClient(js.Endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := jobpb.NewJobServiceClient(conn).GetJobs(ctx, &jobpb.GetJobsRequest{})
	if err != nil {
		t.Fatalf("GetJobs: %v", err)
	}
	var states []string
	for _, j := range resp.GetJobInfo() {
		states = append(states, j.GetState().String())
	}
	return states
}

// TestPortableRunnerMatchesInProcess submits every pipeline to a job
// service in another process (--runner universal; once portable, once
// prism with --endpoint; LOOPBACK chosen for the local endpoint) and checks that every dataset,
// clean input file, loaded MongoDB collection and summary equals the
// in-process run's on the same inputs.
func TestPortableRunnerMatchesInProcess(t *testing.T) {
	js := startJobServer(t)
	repo := pipelinetest.Repo()
	data, docs := filepath.Join(repo, "data/input"), filepath.Join(repo, "data/mongo")
	uriLocal, uriRemote := mongotest.URI(t), mongotest.URI(t)
	inLocal, inRemote, local, remote := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	universal := []string{"--runner", "universal", "--endpoint", js.Endpoint}

	// both reports say the same per input, each names its runner
	compare := func(name string, a, b pipelinetest.Result, runner string) {
		t.Helper()
		if counts(a.Stdout) == "" || counts(a.Stdout) != counts(b.Stdout) {
			t.Errorf("%s: in-process counts\n%s\non %s\n%s", name, counts(a.Stdout), runner, counts(b.Stdout))
		}
		if !strings.Contains(b.Stdout, " on "+runner+"\n") {
			t.Errorf("%s: summary does not name %s:\n%s", name, runner, b.Stdout)
		}
	}

	ingest := pipelinetest.Build(t, "./pipelines/ingest")
	args := func(in, out, uri string) []string {
		return []string{"--from", data, "--input", in, "--output", out, "--docs", docs, "--mongo-uri", uri}
	}
	a := pipelinetest.MustRun(t, ingest, args(inLocal, local, uriLocal)...)
	b := pipelinetest.MustRun(t, ingest, append(universal, args(inRemote, remote, uriRemote)...)...)
	compare("ingest", a, b, "universal")
	for _, f := range []string{"sales_data.csv", "sample_data.csv"} {
		want, err1 := os.ReadFile(filepath.Join(inLocal, f))
		got, err2 := os.ReadFile(filepath.Join(inRemote, f))
		if err1 != nil || err2 != nil || len(want) == 0 || string(got) != string(want) {
			t.Errorf("ingest's clean %s differs (%v, %v)", f, err1, err2)
		}
	}
	wantDocs, gotDocs := collections(t, uriLocal), collections(t, uriRemote)
	if len(wantDocs[mongostore.Sales]) == 0 || len(wantDocs[mongostore.Products]) == 0 || !reflect.DeepEqual(gotDocs, wantDocs) {
		t.Errorf("collections loaded on universal differ:\n%v\nin-process:\n%v", gotDocs, wantDocs)
	}

	for _, p := range []string{"employees", "sales", "advanced", "mongo"} {
		bin := pipelinetest.Build(t, "./pipelines/"+p)
		common := []string{"--input", data}
		if p == "mongo" {
			common = append(common, "--mongo-uri", uriLocal) // both runs read the collections loaded in-process
		}
		a := pipelinetest.MustRun(t, bin, append(common, "--output", local)...)
		runner, submit := "universal", universal
		switch p {
		case "sales":
			runner, submit = "portable", []string{"--runner", "portable", "--endpoint", js.Endpoint, "--verbose"}
		case "advanced": // prism given an endpoint submits there instead of running in-process
			runner, submit = "prism", []string{"--runner", "prism", "--endpoint", js.Endpoint}
		}
		b := pipelinetest.MustRun(t, bin, append(append(submit, common...), "--output", remote)...)
		compare(p, a, b, runner)
		if p == "sales" {
			line := fmt.Sprintf(`msg="submitting to a job service" runner=portable endpoint=%s environment_type=LOOPBACK environment_config="" why="the job service is on this host`, js.Endpoint)
			if !strings.Contains(b.Stderr, line) {
				t.Errorf("--verbose does not log the environment chosen, %s:\n%s", line, b.Stderr)
			}
		}
	}

	n := sameDatasets(t, local, remote)
	if n != 47 {
		t.Errorf("compared %d datasets, want 47 (ingest's, employees', sales', advanced's and mongo's)", n)
	}
	states := js.jobs(t)
	if len(states) != 5 || strings.Count(strings.Join(states, " "), "DONE") != 5 {
		t.Errorf("the job service ran %v, want 5 jobs DONE", states)
	}
}

// counts returns a summary's "<input>: read N, clean C, rejected R" lines.
func counts(stdout string) string {
	var out []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.Contains(l, ": read ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// collections returns the documents of the collections ingest --docs
// loads, in _id order, as Extended JSON.
func collections(t *testing.T, uri string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	st, err := mongostore.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string][]string{}
	for _, c := range []string{mongostore.Sales, mongostore.Customers, mongostore.Products} {
		cur, err := st.DB.Collection(c).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.Raw
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			out[c] = append(out[c], d.String())
		}
	}
	return out
}

// sameDatasets checks that two output roots hold the same datasets: the
// same columns, order and parameters, and the same rows — in the same
// order when the dataset has one, as sets otherwise. It returns how many
// it compared.
func sameDatasets(t *testing.T, wantRoot, gotRoot string) int {
	t.Helper()
	want, err := results.List(t.Context(), wantRoot)
	if err != nil {
		t.Fatal(err)
	}
	got, err := results.List(t.Context(), gotRoot)
	if err != nil {
		t.Fatal(err)
	}
	paths := func(ms []results.Meta) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Path)
		}
		return out
	}
	if !reflect.DeepEqual(paths(got), paths(want)) {
		t.Fatalf("datasets differ:\n%v\nin-process:\n%v", paths(got), paths(want))
	}
	for i, mw := range want {
		mg := got[i]
		_, rw := pipelinetest.Dataset(t, wantRoot, mw.Path)
		_, rg := pipelinetest.Dataset(t, gotRoot, mg.Path)
		if !reflect.DeepEqual(mg.Columns, mw.Columns) || mg.Order != mw.Order || !reflect.DeepEqual(mg.Params, mw.Params) || mg.Rows != mw.Rows {
			t.Errorf("%s: metadata differs: %+v\nin-process: %+v", mw.Path, mg, mw)
			continue
		}
		if mw.Order == "" {
			rw, rg = pipelinetest.Sorted(rw), pipelinetest.Sorted(rg)
		}
		if !reflect.DeepEqual(rg, rw) {
			t.Errorf("%s (order %q) differs:\n%v\nin-process:\n%v", mw.Path, mw.Order, rg, rw)
		}
	}
	return len(want)
}

// TestPortableJobFailureExitsOne: a job that fails inside the job service
// — ingest's --docs holds a file whose JSON array is never closed, which
// only the loading step finds — ends the command with exit 1 and the
// job's error on stderr, the same as in-process; nothing is committed and
// the run is recorded as failed.
func TestPortableJobFailureExitsOne(t *testing.T) {
	js := startJobServer(t)
	ingest := pipelinetest.Build(t, "./pipelines/ingest")
	docs := t.TempDir()
	writeFile(t, docs, "sales.broken.json", "[\n"+`{"transaction_id": "B1"},`+"\n")
	uri := mongotest.URI(t)
	const cause = "sales.broken.json: line 3: "
	var causes []string
	for _, runner := range [][]string{nil, {"--runner", "universal", "--endpoint", js.Endpoint}} {
		in, out := t.TempDir(), t.TempDir()
		args := append(runner, "--from", filepath.Join(pipelinetest.Repo(), "data/input"), "--input", in, "--output", out, "--docs", docs, "--mongo-uri", uri)
		r := pipelinetest.Run(t, ingest, args...)
		if r.Code != 1 || !strings.Contains(r.Stderr, cause) || !strings.Contains(r.Stderr, "the array is not closed") ||
			!strings.Contains(r.Stderr, "The previous results are unchanged") || strings.Contains(r.Stderr, "panic") {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 1 and %q", runner, r.Code, r.Stderr, cause)
		}
		first, _, _ := strings.Cut(r.Stderr, "\n")
		_, c, _ := strings.Cut(first, " failed: ")
		causes = append(causes, c)
		if _, err := os.Stat(filepath.Join(in, "sales_data.csv")); !os.IsNotExist(err) {
			t.Errorf("%v: the failed run committed its clean files (%v)", runner, err)
		}
		if ms, err := results.List(t.Context(), out); err != nil || len(ms) != 0 {
			t.Errorf("%v: the failed run committed %d datasets (%v)", runner, len(ms), err)
		}
	}
	if causes[0] != causes[1] {
		t.Errorf("in-process and universal report different causes:\n%s\n%s", causes[0], causes[1])
	}
	st, err := mongostore.Connect(t.Context(), uri)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, err := publish.Runs(t.Context(), st, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Status != publish.Failed || !strings.Contains(r.Error, "the array is not closed") {
			t.Errorf("run %s on %s recorded as %s: %q", r.ID, r.Runner, r.Status, r.Error)
		}
	}
	if len(runs) != 2 {
		t.Errorf("%d runs recorded, want 2", len(runs))
	}
	if states := js.jobs(t); len(states) != 1 || states[0] != "FAILED" {
		t.Errorf("the job service ran %v, want one FAILED job", states)
	}
}

// TestPortableJobServiceGoesAway: when the job service dies while its job
// runs, the submitting command does not wait for it: it exits 1 at once,
// naming the job service; a job service that is not there is reported
// before anything is submitted.
func TestPortableJobServiceGoesAway(t *testing.T) {
	js := startJobServer(t)
	stall := pipelinetest.Build(t, "./runners/testdata/stall")
	dir := t.TempDir()
	started := filepath.Join(dir, "started")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, stall, "--runner", "universal", "--endpoint", js.Endpoint,
		"--output", filepath.Join(dir, "out"), "--started", started, "--seconds", "300")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(started); err == nil {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the job ended before it started its step: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job's step did not start:\n%s", stderr.String())
		}
	}
	js.Stop()
	err := <-exited
	if ctx.Err() != nil {
		t.Fatalf("the command still waited for its job 2 minutes after the job service died:\n%s", stderr.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "lost the job service at "+js.Endpoint) {
		t.Errorf("exit %v, stderr:\n%s\nwant exit 1, naming the lost job service", err, stderr.String())
	}

	r := pipelinetest.Run(t, pipelinetest.Build(t, "./pipelines/sales"), "--runner", "universal", "--endpoint", js.Endpoint, "--output", t.TempDir())
	if r.Code != 1 || !strings.Contains(r.Stderr, "the job service at "+js.Endpoint+" is not reachable") {
		t.Errorf("no job service: exit %d, stderr:\n%s", r.Code, r.Stderr)
	}
}

// TestPortableRunnersNeedAnEndpoint: a runner that submits to a job
// service refuses to start without --endpoint (instead of Beam's own
// failure after the run began), and the runner options are checked
// before anything runs.
func TestPortableRunnersNeedAnEndpoint(t *testing.T) {
	bin := pipelinetest.Build(t, "./pipelines/sales")
	out := t.TempDir()
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"--runner", "flink"}, "--runner flink submits the pipeline to a Beam job service: give its address with --endpoint host:port"},
		{[]string{"--runner", "spark"}, "--runner spark submits the pipeline to a Beam job service: give its address with --endpoint"},
		{[]string{"--runner", "universal"}, "--runner universal submits the pipeline to a Beam job service"},
		{[]string{"--runner", "portable"}, "--runner portable submits the pipeline to a Beam job service"},
		{[]string{"--runner", "direct", "--endpoint", "localhost:8099"}, "--runner direct runs in this process and takes no --endpoint"},
		{[]string{"--runner", "flink", "--endpoint", "localhost:8099", "--environment_type", "kubernetes"}, `--environment_type "kubernetes" is not supported`},
		{[]string{"--runner", "flink", "--endpoint", "http://localhost:8099"}, `--endpoint "http://localhost:8099": want host:port`},
	}
	for _, tt := range tests {
		r := pipelinetest.Run(t, bin, append(tt.args, "--output", out)...)
		if r.Code != 2 || !strings.Contains(r.Stderr, tt.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tt.args, r.Code, r.Stderr, tt.msg)
		}
	}
	if ms, _ := results.List(t.Context(), out); len(ms) != 0 {
		t.Errorf("a refused run wrote %d datasets", len(ms))
	}
}
