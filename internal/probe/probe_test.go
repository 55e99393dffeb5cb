package probe_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	gohdfs "github.com/colinmarc/hdfs/v2"

	"github.com/beamline/beamline/internal/hdfstest"
	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/internal/probe"
)

func TestMain(m *testing.M) {
	// Hermetic: no cluster configuration from the environment.
	for _, v := range []string{"HADOOP_CONF_DIR", "HADOOP_HOME", "BEAMLINE_HDFS_TIMEOUT"} {
		os.Unsetenv(v)
	}
	os.Setenv("HADOOP_USER_NAME", "probe")
	code := mongotest.Main(m)
	pipelinetest.Cleanup()
	os.Exit(code)
}

func TestNothingConfigured(t *testing.T) {
	r := probe.Check(context.Background(), probe.Targets{})
	if r.MongoDB.Status != probe.NotConfigured || r.Hadoop.Status != probe.NotConfigured || r.Spark.Status != probe.NotConfigured {
		t.Fatalf("report = %+v", r)
	}
	b, _ := json.Marshal(r)
	want := `{"mongodb":{"status":"not configured","latency_ms":0,"collections":[],"counts":{}},` +
		`"hadoop":{"status":"not configured","info":{}},"spark":{"status":"not configured","info":{}}}`
	if string(b) != want {
		t.Fatalf("JSON:\n got %s\nwant %s", b, want)
	}
}

func TestMongo(t *testing.T) {
	ctx := context.Background()
	s := mongotest.Store(t)
	if err := s.Insert(ctx, mongostore.Sales, []any{map[string]any{"_id": "a"}, map[string]any{"_id": "b"}}); err != nil {
		t.Fatal(err)
	}
	r := probe.Check(ctx, probe.Targets{Mongo: func(context.Context) (*mongostore.Store, error) { return s, nil }})
	m := r.MongoDB
	if m.Status != probe.Connected || m.Error != "" || m.LatencyMS <= 0 || m.Counts["sales"] != 2 || len(m.Collections) != 1 || m.Collections[0] != "sales" {
		t.Fatalf("mongodb = %+v", m)
	}
	r = probe.Check(ctx, probe.Targets{Mongo: func(context.Context) (*mongostore.Store, error) {
		return nil, errors.New("MongoDB is not reachable: boom")
	}})
	if r.MongoDB.Status != probe.Disconnected || r.MongoDB.Error != "MongoDB is not reachable: boom" {
		t.Fatalf("mongodb = %+v", r.MongoDB)
	}
}

// TestMongoTimeout: a store getter that never answers is cut at the timeout.
func TestMongoTimeout(t *testing.T) {
	start := time.Now()
	r := probe.Check(context.Background(), probe.Targets{Timeout: 200 * time.Millisecond,
		Mongo: func(ctx context.Context) (*mongostore.Store, error) {
			time.Sleep(time.Second)
			return nil, errors.New("too late")
		}})
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Check took %s with a 200ms timeout", took)
	}
	if r.MongoDB.Status != probe.Disconnected || r.MongoDB.Error != "no answer within 200ms" {
		t.Fatalf("mongodb = %+v", r.MongoDB)
	}
}

func TestHDFS(t *testing.T) {
	srv, err := hdfstest.Start(hdfstest.Options{Capacity: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := gohdfs.NewClient(gohdfs.ClientOptions{Addresses: []string{srv.Addr()}, User: "probe"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.MkdirAll("/data/input", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"/data/input/a.csv", "/data/input/b.csv", "/c.txt"} {
		w, err := c.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(strings.Repeat("x", 1000)))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}

	r := probe.Check(context.Background(), probe.Targets{HDFS: srv.URL() + "/data", Timeout: 5 * time.Second})
	if r.Hadoop.Status != probe.Connected {
		t.Fatalf("hadoop = %+v", r.Hadoop)
	}
	info := r.Hadoop.Info.(*probe.HadoopInfo)
	if info.TotalCapacity != 64<<20 || info.UsedCapacity != 3000 || info.AvailableCapacity != 64<<20-3000 ||
		info.TotalFiles != 3 || info.TotalDirectories != 3 || info.TotalBytes != 3000 ||
		info.LiveNodes == nil || *info.LiveNodes != 1 || *info.DeadNodes != 0 || info.NodesError != "" || info.Namenode != srv.Addr() {
		b, _ := json.Marshal(info)
		t.Fatalf("info = %s", b)
	}
	b, _ := json.Marshal(r.Hadoop)
	for _, key := range []string{`"total_capacity":67108864`, `"used_capacity":3000`, `"available_capacity":`, `"total_files":3`, `"live_nodes":1`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("hadoop JSON %s lacks %s", b, key)
		}
	}

	// A namenode that went away is reported, within the timeout.
	srv.Stop()
	start := time.Now()
	r = probe.Check(context.Background(), probe.Targets{HDFS: srv.URL(), Timeout: 2 * time.Second})
	if r.Hadoop.Status != probe.Disconnected || r.Hadoop.Error == "" || time.Since(start) > 4*time.Second {
		t.Fatalf("after Stop (%s): %+v", time.Since(start), r.Hadoop)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// The shared client comes back once past its own 5s back-off.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		r = probe.Check(context.Background(), probe.Targets{HDFS: srv.URL(), Timeout: 5 * time.Second})
		if r.Hadoop.Status == probe.Connected {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after Restart: %+v", r.Hadoop)
		}
	}
}

func TestHDFSUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := probe.Check(context.Background(), probe.Targets{HDFS: "hdfs://" + addr, Timeout: 2 * time.Second})
	if r.Hadoop.Status != probe.Disconnected || !strings.Contains(r.Hadoop.Error, addr) {
		t.Fatalf("hadoop = %+v", r.Hadoop)
	}
	if info, _ := r.Hadoop.Info.(map[string]any); info["namenode"] != "hdfs://"+addr {
		t.Fatalf("info = %v", r.Hadoop.Info)
	}
}

// freePort returns a loopback port nothing listens on (prism's job server
// takes a port, not a listener).
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestJobService runs a real prism job service in-process, submits a
// pipeline to it the way `beamline run --runner universal` does, and reads
// the job back through GetJobs.
func TestJobService(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	port := freePort(t)
	if _, err := prism.CreateJobServer(ctx, prism.Options{Port: port}); err != nil {
		t.Fatal(err)
	}
	endpoint := "localhost:" + strconv.Itoa(port)
	r := probe.Check(ctx, probe.Targets{JobEndpoint: endpoint})
	info, ok := r.Spark.Info.(*probe.JobsInfo)
	if r.Spark.Status != probe.Connected || !ok || info.JobsTotal != 0 || info.Endpoint != endpoint {
		t.Fatalf("before any job: %+v", r.Spark)
	}

	bin := pipelinetest.Build(t, "./pipelines/sales")
	pipelinetest.MustRun(t, bin, "--output", t.TempDir(), "--runner", "universal", "--endpoint", endpoint, "--environment_type", "LOOPBACK")
	r = probe.Check(ctx, probe.Targets{JobEndpoint: endpoint})
	info, ok = r.Spark.Info.(*probe.JobsInfo)
	if r.Spark.Status != probe.Connected || !ok || info.JobsTotal != 1 || info.JobsDone != 1 || info.JobsRunning != 0 ||
		len(info.Jobs) != 1 || info.Jobs[0].State != "DONE" {
		b, _ := json.Marshal(r.Spark)
		t.Fatalf("after a job: %s", b)
	}
	b, _ := json.Marshal(r.Spark)
	if !strings.Contains(string(b), `"jobs_running":0,"jobs_done":1`) {
		t.Errorf("spark JSON = %s", b)
	}
}

func TestJobServiceUnreachable(t *testing.T) {
	endpoint := "127.0.0.1:" + strconv.Itoa(freePort(t))
	start := time.Now()
	r := probe.Check(context.Background(), probe.Targets{JobEndpoint: endpoint, Timeout: time.Second})
	if r.Spark.Status != probe.Disconnected || !strings.Contains(r.Spark.Error, endpoint) || time.Since(start) > 3*time.Second {
		t.Fatalf("spark = %+v after %s", r.Spark, time.Since(start))
	}
}
