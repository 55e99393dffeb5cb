package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beamline/beamline/internal/hdfs"
	"github.com/beamline/beamline/internal/hdfstest"
	"github.com/beamline/beamline/internal/launch"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
)

// bin holds beamline and the pipelines, built once for the package.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "beamline-cmd-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	args := []string{"build", "-o", dir + "/", "./cmd/beamline"}
	for _, p := range launch.Pipelines {
		args = append(args, "./pipelines/"+p)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = pipelinetest.Repo()
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	bin = dir
	os.Setenv(launch.BinEnv, dir)
	code := mongotest.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// beamline runs the command in-process from the repository root and returns
// its exit code and output.
func beamline(t *testing.T, args ...string) (int, string) {
	t.Helper()
	t.Chdir(pipelinetest.Repo())
	var out bytes.Buffer
	code := run(append([]string{args[0], "--log-file", filepath.Join(t.TempDir(), "run_all.log")}, args[1:]...), &out, &out)
	return code, out.String()
}

func TestHelpAndUsage(t *testing.T) {
	t.Chdir(pipelinetest.Repo())
	var out bytes.Buffer
	if code := run([]string{"--help"}, &out, &out); code != exitOK || !strings.Contains(out.String(), "up ") || !strings.Contains(out.String(), "status") {
		t.Fatalf("--help: exit %d\n%s", code, out.String())
	}
	for _, c := range commands {
		out.Reset()
		if code := run([]string{c.name, "--help"}, &out, &out); code != exitOK || !strings.Contains(out.String(), "Usage: beamline "+c.name) {
			t.Errorf("%s --help: exit %d\n%s", c.name, code, out.String())
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"run"}, "name a pipeline"},
		{[]string{"run", "nope"}, `unknown pipeline "nope"`},
		{[]string{"up", "--bogus"}, "flag provided but not defined"},
		{[]string{"serve", "--mongo-uri", ""}, "serve reads the published results from MongoDB"},
		{[]string{"init", "--hdfs", "http://x"}, `--hdfs "http://x" is not an hdfs:// URL`},
		{[]string{"up", "--from", "no/such/dir", "--no-serve"}, `--from "no/such/dir" is not a directory`},
	} {
		t.Setenv("MONGODB_URI", "")
		code, got := beamline(t, tc.args...)
		if code != exitUsage || !strings.Contains(got, tc.want) {
			t.Errorf("beamline %v: exit %d, want 2 and %q\n%s", tc.args, code, tc.want, got)
		}
	}
}

// TestRunFailsWithThePipelinesError: a pipeline that fails makes `beamline
// run` exit 1 naming its error; a pipeline refusing its flags exits 2.
func TestRunFailsWithThePipelinesError(t *testing.T) {
	t.Setenv("MONGODB_URI", "")
	dir := t.TempDir()
	bad := filepath.Join(dir, "in")
	os.MkdirAll(bad, 0o755)
	os.WriteFile(filepath.Join(bad, "sales_data.csv"), []byte("transaction_id,quantity\n"), 0o644)
	code, out := beamline(t, "run", "--workdir", dir, "sales", "--input", bad)
	if code != exitFailed || !strings.Contains(out, "sales_data.csv: missing required column(s) product_id") {
		t.Fatalf("missing columns: exit %d, want 1 naming the file and the columns\n%s", code, out)
	}
	code, out = beamline(t, "run", "--workdir", dir, "sales", "--input", "data/input", "--runner", "nope")
	if code != exitUsage || !strings.Contains(out, `--runner "nope" is not supported`) {
		t.Fatalf("bad runner: exit %d\n%s", code, out)
	}
	// The output root is a file: the job runs and its commit fails.
	blocked := filepath.Join(dir, "blocked")
	os.WriteFile(blocked, []byte("x"), 0o644)
	code, out = beamline(t, "run", "--workdir", dir, "employees", "--input", "data/input", "--output", blocked)
	if code != exitFailed || !strings.Contains(out, "employees failed") {
		t.Fatalf("unwritable output: exit %d, want 1\n%s", code, out)
	}
}

// TestRunAllLocal runs every analysis into the working directory, without a
// MongoDB: the mongo pipeline is skipped and said so.
func TestRunAllLocal(t *testing.T) {
	t.Setenv("MONGODB_URI", "")
	dir := t.TempDir()
	code, out := beamline(t, "load", "--workdir", dir, "--docs", "")
	if code != exitOK {
		t.Fatalf("load: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "input", "sales_data.csv", "_SUCCESS")); err != nil {
		if _, err2 := os.Stat(filepath.Join(dir, "input", "sales_data.csv")); err2 != nil {
			t.Fatalf("load wrote no sales_data.csv under %s/input: %v\n%s", dir, err2, out)
		}
	}
	code, out = beamline(t, "run", "--workdir", dir, "all")
	if code != exitOK {
		t.Fatalf("run all: exit %d\n%s", code, out)
	}
	for _, want := range []string{"employees done", "sales     done", "advanced  done", "mongo     skipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("run all output lacks %q\n%s", want, out)
		}
	}
	for _, ds := range []string{"pig/sales_by_region", "pig/department_statistics", "spark/customer_rfm_analysis"} {
		if _, err := os.Stat(filepath.Join(dir, "output", ds, "_SUCCESS")); err != nil {
			t.Errorf("%s: %v", ds, err)
		}
	}
}

// TestInitLoadRunStatusOnHDFSAndMongo drives the cluster steps against an
// in-process HDFS and MongoDB: init twice (idempotent), load, run sales,
// status.
func TestInitLoadRunStatusOnHDFSAndMongo(t *testing.T) {
	nn, err := hdfstest.Start(hdfstest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer nn.Close()
	uri := mongotest.URI(t)
	t.Setenv("BEAMLINE_HDFS", nn.URL())
	t.Setenv("MONGODB_URI", uri)
	t.Setenv("HADOOP_USER_NAME", "hadoop")
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		code, out := beamline(t, "init", "--workdir", dir)
		if code != exitOK || !strings.Contains(out, "14 directories ready") || !strings.Contains(out, "indexes ready") {
			t.Fatalf("init #%d: exit %d\n%s", i+1, code, out)
		}
	}
	ctx := context.Background()
	node, err := hdfs.Resolve(ctx, nn.URL())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range hdfsDirs {
		fi, err := node.Client.Stat(d.path)
		if err != nil || !fi.IsDir() || fi.Mode().Perm() != d.perm {
			t.Errorf("%s: %v, mode %v, want a directory with %o", d.path, err, fi, d.perm)
		}
	}
	code, out := beamline(t, "load", "--workdir", dir)
	if code != exitOK {
		t.Fatalf("load: exit %d\n%s", code, out)
	}
	if _, err := node.Client.Stat("/data/input/sales_data.csv"); err != nil {
		t.Fatalf("load put nothing in hdfs /data/input: %v\n%s", err, out)
	}
	code, out = beamline(t, "run", "--workdir", dir, "sales")
	if code != exitOK {
		t.Fatalf("run sales: exit %d\n%s", code, out)
	}
	if _, err := node.Client.Stat("/data/output/pig/sales_by_region/_SUCCESS"); err != nil {
		t.Fatalf("run sales wrote nothing to hdfs /data/output: %v\n%s", err, out)
	}
	code, out = beamline(t, "status", "--workdir", dir, "--json")
	if code != exitOK {
		t.Fatalf("status: exit %d\n%s", code, out)
	}
	var rep struct {
		MongoDB struct{ Status string } `json:"mongodb"`
		Hadoop  struct{ Status string } `json:"hadoop"`
		Spark   struct{ Status string } `json:"spark"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &rep); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	if rep.MongoDB.Status != "connected" || rep.Hadoop.Status != "connected" || rep.Spark.Status != "not configured" {
		t.Errorf("status %+v", rep)
	}
	nn.Stop()
	t.Setenv("BEAMLINE_HDFS_TIMEOUT", "1s")
	code, out = beamline(t, "status", "--workdir", dir, "--timeout", "2s")
	if code != exitFailed || !strings.Contains(out, "not reachable: hadoop") {
		t.Errorf("status with the namenode down: exit %d, want 1 naming hadoop\n%s", code, out)
	}
}

// TestUpServesTheResults is the main job end to end, as `make demo` runs
// it: the embedded MongoDB, every pipeline on the reference data, the
// summary table, the API serving the published results, and Ctrl-C.
func TestUpServesTheResults(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(filepath.Join(bin, "beamline"), "up", "--workdir", dir, "--addr", addr, "--log-file", filepath.Join(dir, "run_all.log"))
	cmd.Dir = pipelinetest.Repo()
	cmd.Env = append(os.Environ(), "MONGODB_URI=")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var out strings.Builder
	serving := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), "serving http://") {
				serving <- true
			}
		}
		close(serving)
	}()
	select {
	case ok := <-serving:
		if !ok {
			cmd.Wait()
			t.Fatalf("beamline up ended before serving\n%s\n%s", out.String(), stderr.String())
		}
	case <-time.After(4 * time.Minute):
		t.Fatalf("beamline up is not serving after 4 minutes\n%s", out.String())
	}
	text := out.String()
	status := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		if f := strings.Fields(line); len(f) >= 2 {
			status[f[0]] = f[1]
		}
	}
	for _, p := range launch.Pipelines {
		if status[p] != "published" {
			t.Errorf("summary: %s is %q, want published\n%s", p, status[p], text)
		}
	}
	if strings.Contains(text, "FAILED") || strings.Contains(text, " failed ") {
		t.Errorf("a pipeline failed\n%s\n%s", text, stderr.String())
	}

	resp, err := http.Get("http://" + addr + "/api/results")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var cat struct {
		Datasets []struct{ Path string } `json:"datasets"`
	}
	if err := json.Unmarshal(body, &cat); err != nil || resp.StatusCode != 200 {
		t.Fatalf("/api/results: %s %v\n%s", resp.Status, err, body)
	}
	paths := map[string]bool{}
	for _, d := range cat.Datasets {
		paths[d.Path] = true
	}
	for _, want := range []string{"pig/sales_by_region", "pig/department_statistics", "spark/customer_rfm_analysis", "spark/mongo_sales_cube"} {
		if !paths[want] {
			t.Errorf("/api/results lacks %s: %v", want, paths)
		}
	}
	resp, err = http.Get("http://" + addr + "/api/sales/by-region")
	if err != nil {
		t.Fatal(err)
	}
	var regions []struct {
		Region       string  `json:"region"`
		TotalSales   float64 `json:"total_sales"`
		Transactions int     `json:"transactions"`
	}
	json.NewDecoder(resp.Body).Decode(&regions)
	resp.Body.Close()
	if len(regions) != 6 || regions[0].Region != "North America" || regions[0].TotalSales != 13099.66 || regions[0].Transactions != 25 {
		t.Errorf("/api/sales/by-region = %+v, want North America 13099.66 / 25 first of 6", regions)
	}
	if log, err := os.ReadFile(filepath.Join(dir, "run_all.log")); err != nil || !strings.Contains(string(log), "pipeline finished") {
		t.Errorf("run_all.log: %v\n%s", err, log)
	}

	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("beamline up after Ctrl-C: %v (want exit 0)\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Error("beamline up did not stop within 30 s of Ctrl-C")
	}
}
