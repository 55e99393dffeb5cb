package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/server"
)

func TestMain(m *testing.M) {
	code := mongotest.Main(m)
	pipelinetest.Cleanup()
	os.Exit(code)
}

// TestShortLoad is the CI version of `make loadtest`: 200 requests/s for
// 3 s on the routes the sales pipeline's results serve, through a real
// listener, with zero errors. It asserts no latency: CI machines vary;
// the benchmark's numbers are in docs/reliability.md.
func TestShortLoad(t *testing.T) {
	uri := mongotest.URI(t)
	pipelinetest.MustRun(t, pipelinetest.Build(t, "./pipelines/sales"), "--input", filepath.Join(pipelinetest.Repo(), "data/input"),
		"--output", t.TempDir(), "--mongo-uri", uri)
	s, err := server.New(server.Config{MongoURI: uri, MongoCheck: 200 * time.Millisecond})
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
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	base := "http://" + ln.Addr().String()
	if err := waitStatus(ctx, base+"/api/results/pig/sales_by_region", http.StatusOK, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	paths := []string{
		"/api/results",
		"/api/results/pig/sales_by_region?page=1&page_size=50",
		"/api/results/pig/sales_by_region?page=1&page_size=3&sort=revenue&order=desc",
		"/api/results/pig/daily_sales_trend?page=2&page_size=5&q=2024",
		"/api/sales/by-region",
		"/api/sales/by-category",
		"/api/runs?limit=10",
		"/api/rejects",
		"/api/system/status",
		"/healthz",
	}
	rep := load{Client: newClient(200), Base: base, Paths: paths, Rate: 200, Duration: 3 * time.Second}.run(ctx)
	t.Log(rep)
	if rep.Errors > 0 || len(rep.Samples) != 600 {
		t.Errorf("%d errors in %d answers, want 0 in 600: %v", rep.Errors, len(rep.Samples), rep)
	}
}
