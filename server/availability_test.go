package server_test

import (
	"context"
	"encoding/json"
	"math"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	"github.com/beamline/beamline/internal/hdfstest"
	"github.com/beamline/beamline/internal/mongoembed"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/server"
)

// TestMongoGoesAwayAndComesBack: the server answers 503 with the reason
// while its MongoDB is down and serves again, without a restart, once it
// is back on the same address with the same files.
func TestMongoGoesAwayAndComesBack(t *testing.T) {
	dir, addr := t.TempDir(), mongotest.FreeAddr(t)
	db, err := mongoembed.Start(dir, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	uri := strings.TrimSuffix(db.URI(), "/") + "/flaky"
	out := t.TempDir()
	pipelinetest.MustRun(t, pipelinetest.Build(t, "./pipelines/sales"), "--input", filepath.Join(pipelinetest.Repo(), "data/input"),
		"--output", out, "--mongo-uri", uri)
	h := newServer(t, server.Config{MongoURI: uri, MongoTimeout: 2 * time.Second})
	before := waitFor(t, h, "/api/sales/by-region", http.StatusOK, 10*time.Second)

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The first requests may wait out MongoTimeout (503 "timeout") until
	// the connection is known to be down; then they answer "MongoDB
	// unavailable" with the cause.
	start := time.Now()
	for {
		r := get(t, h, "/api/sales/by-region")
		var e apiErr
		if err := json.Unmarshal([]byte(r.Body), &e); r.Code != http.StatusServiceUnavailable || err != nil || e.Detail == "" {
			if r.Code != http.StatusOK {
				t.Errorf("while MongoDB goes away: %d %s", r.Code, r.Body)
			}
		} else if e.Error == "MongoDB unavailable" {
			t.Logf("503 after %s: %s", time.Since(start).Round(time.Millisecond), r.Body)
			break
		}
		if time.Since(start) > 15*time.Second {
			t.Fatalf("no 503 \"MongoDB unavailable\" after 15s: %d %s", r.Code, r.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// once it knows, every MongoDB route fails fast
	for _, u := range []string{"/api/results", "/api/results/pig/sales_by_region?sort=revenue", "/api/runs", "/api/mongodb/collections", "/api/export/pig/sales_by_region"} {
		t0 := time.Now()
		if r := get(t, h, u); r.Code != http.StatusServiceUnavailable || time.Since(t0) > time.Second {
			t.Errorf("GET %s while MongoDB is down: %d after %s", u, r.Code, time.Since(t0))
		}
	}
	// what needs no MongoDB still works, and the status says why
	if r := get(t, h, "/healthz"); r.Code != http.StatusOK {
		t.Errorf("healthz while MongoDB is down: %d", r.Code)
	}
	var status struct {
		MongoDB struct{ Status, Error string } `json:"mongodb"`
	}
	getJSON(t, h, "/api/system/status", http.StatusOK, &status)
	if status.MongoDB.Status != "disconnected" || status.MongoDB.Error == "" {
		t.Errorf("status while MongoDB is down: %+v", status.MongoDB)
	}

	db, err = mongoembed.Start(dir, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	after := waitFor(t, h, "/api/sales/by-region", http.StatusOK, 30*time.Second)
	t.Logf("200 again %s after the restart", time.Since(start).Round(time.Millisecond))
	if after.Body != before.Body {
		t.Errorf("after the restart:\n%s\nbefore:\n%s", after.Body, before.Body)
	}
	getJSON(t, h, "/api/system/status", http.StatusOK, &status)
	if status.MongoDB.Status != "connected" {
		t.Errorf("status after the restart: %+v", status.MongoDB)
	}
	r := get(t, h, "/metrics")
	if !strings.Contains(r.Body, `beamline_http_errors_total{route="/api/sales/by-region"}`) ||
		!strings.Contains(r.Body, `beamline_http_requests_total{code="503",method="GET",route="/api/sales/by-region"}`) {
		t.Errorf("metrics do not count the 503s:\n%s", grep(r.Body, "by-region"))
	}
}

// TestStartsWithoutMongo: New does not fail when MongoDB is down at start;
// routes answer 503 at once and work when MongoDB appears.
func TestStartsWithoutMongo(t *testing.T) {
	addr := mongotest.FreeAddr(t)
	start := time.Now()
	s, err := server.New(server.Config{MongoURI: "mongodb://" + addr + "/late", Log: logger(t), MongoCheck: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := s.Handler()
	wantError(t, h, "/api/results", http.StatusServiceUnavailable, "MongoDB")
	if r := get(t, h, "/healthz"); r.Code != http.StatusOK {
		t.Errorf("healthz: %d", r.Code)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("New and two requests took %s with MongoDB down", took)
	}
	wait, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	if err := s.Ready(wait); err == nil {
		t.Errorf("Ready with MongoDB down returned nil")
	}
	cancel()
	db, err := mongoembed.Start(t.TempDir(), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	wait, cancel = context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Ready(wait); err != nil {
		t.Errorf("Ready once MongoDB is up: %v", err)
	}
	var body struct {
		Datasets []any `json:"datasets"`
	}
	waitFor(t, h, "/api/results", http.StatusOK, 30*time.Second)
	getJSON(t, h, "/api/results", http.StatusOK, &body)
	if body.Datasets == nil || len(body.Datasets) != 0 {
		t.Errorf("empty database: %v", body.Datasets)
	}
	// nothing published: the original routes say so
	wantError(t, h, "/api/sales/by-region", http.StatusNotFound, "pig/sales_by_region", "not published")
}

func TestNoMongoConfigured(t *testing.T) {
	s, err := server.New(server.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ready(context.Background()); err == nil || !strings.Contains(err.Error(), "no MongoDB configured") {
		t.Errorf("Ready without MongoDB: %v", err)
	}
	h := s.Handler()
	wantError(t, h, "/api/results", http.StatusServiceUnavailable, "no MongoDB configured")
	var status struct {
		MongoDB struct{ Status string } `json:"mongodb"`
	}
	getJSON(t, h, "/api/system/status", http.StatusOK, &status)
	if status.MongoDB.Status != "not configured" {
		t.Errorf("status %+v", status)
	}
}

// TestSystemStatus probes a real MongoDB, an in-process HDFS and a prism
// job service.
func TestSystemStatus(t *testing.T) {
	fs, err := hdfstest.Start(hdfstest.Options{Capacity: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	t.Setenv("HADOOP_USER_NAME", "beamline")
	t.Setenv("HADOOP_CONF_DIR", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, port, _ := net.SplitHostPort(mongotest.FreeAddr(t))
	p, _ := strconv.Atoi(port)
	if _, err := prism.CreateJobServer(ctx, prism.Options{Port: p}); err != nil {
		t.Fatal(err)
	}
	uri := mongotest.URI(t)
	h := newServer(t, server.Config{MongoURI: uri, HDFS: fs.URL(), JobEndpoint: "localhost:" + port})
	get(t, h, "/api/results")
	get(t, h, "/api/nope")

	var st struct {
		MongoDB struct {
			Status      string           `json:"status"`
			LatencyMS   float64          `json:"latency_ms"`
			Collections []string         `json:"collections"`
			Counts      map[string]int64 `json:"counts"`
		} `json:"mongodb"`
		Hadoop struct {
			Status string         `json:"status"`
			Info   map[string]any `json:"info"`
			Error  string         `json:"error"`
		} `json:"hadoop"`
		Spark struct {
			Status string         `json:"status"`
			Info   map[string]any `json:"info"`
			Error  string         `json:"error"`
		} `json:"spark"`
		API struct {
			Status    string  `json:"status"`
			UptimeS   int64   `json:"uptime_s"`
			Requests  int64   `json:"requests"`
			Errors    int64   `json:"errors"`
			ErrorRate float64 `json:"error_rate"`
		} `json:"api"`
	}
	getJSON(t, h, "/api/system/status", http.StatusOK, &st)
	if st.MongoDB.Status != "connected" || st.MongoDB.LatencyMS <= 0 || st.MongoDB.Collections == nil || st.MongoDB.Counts == nil {
		t.Errorf("mongodb %+v", st.MongoDB)
	}
	if st.Hadoop.Status != "connected" || st.Hadoop.Info["live_nodes"] != json.Number("1") || st.Hadoop.Info["total_capacity"] != json.Number("1073741824") ||
		st.Hadoop.Info["total_files"] != json.Number("0") || st.Hadoop.Info["available_capacity"] == nil || st.Hadoop.Info["used_capacity"] == nil {
		t.Errorf("hadoop %+v", st.Hadoop)
	}
	if st.Spark.Status != "connected" || st.Spark.Info["endpoint"] != "localhost:"+port || st.Spark.Info["jobs_running"] != json.Number("0") ||
		st.Spark.Info["jobs_done"] != json.Number("0") {
		t.Errorf("spark %+v", st.Spark)
	}
	// the waits for the connection (503s until it is made), /api/results
	// and /api/nope (a 404 is not a server error)
	if st.API.Status != "connected" || st.API.Requests < 3 || st.API.Errors >= st.API.Requests-2 ||
		st.API.ErrorRate != math.Round(float64(st.API.Errors)/float64(st.API.Requests)*1e4)/1e4 {
		t.Errorf("api %+v", st.API)
	}

	// a namenode that went away and a job service that is not there are
	// reported, and the route still answers 200 within the probe timeout
	fs.Stop()
	h = newServer(t, server.Config{MongoURI: uri, HDFS: fs.URL(), JobEndpoint: mongotest.FreeAddr(t), ProbeTimeout: 2 * time.Second})
	t0 := time.Now()
	getJSON(t, h, "/api/system/status", http.StatusOK, &st)
	if st.Hadoop.Status != "disconnected" || st.Hadoop.Error == "" || st.Spark.Status != "disconnected" || st.Spark.Error == "" ||
		st.MongoDB.Status != "connected" || time.Since(t0) > 4*time.Second {
		t.Errorf("after stopping HDFS and the job service (%s): hadoop %+v, spark %+v", time.Since(t0), st.Hadoop, st.Spark)
	}
}

// TestServe serves on a real listener and shuts down when the context
// ends.
func TestServe(t *testing.T) {
	s, err := server.New(server.Config{Log: logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz over TCP: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the context ended")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("still serving after shutdown")
	}
	if server.DefaultAddr != ":5000" {
		t.Errorf("DefaultAddr = %q", server.DefaultAddr)
	}
}

func TestCORSWhenAsked(t *testing.T) {
	h := newServer(t, server.Config{CORSOrigins: []string{"https://dash.example"}})
	req := mustRequest(t, http.MethodGet, "/healthz")
	req.Header.Set("Origin", "https://dash.example")
	if r := do(t, h, req); r.Header.Get("Access-Control-Allow-Origin") != "https://dash.example" {
		t.Errorf("CORS header %q", r.Header.Get("Access-Control-Allow-Origin"))
	}
	req.Header.Set("Origin", "https://evil.example")
	if r := do(t, h, req); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS allowed another origin")
	}
}
