// Command loadgen is beamline's load benchmark (`make loadtest`): it holds
// a fixed request rate open-loop on the API's result and status routes and
// reports the latencies (p50, p99, max), the answers by status and the
// server's memory over time. By default it sets the whole thing up itself:
// `beamline up --no-serve` loads an embedded MongoDB in --workdir, loadgen
// serves that MongoDB in-process, starts `beamline serve` on it as a child
// (whose RSS it reads from /proc/<pid>/status), loads it, then stops
// MongoDB and loads it again, expecting 503s and a healthy process. With
// --url it only loads a server already running.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/beamline/beamline/internal/mongoembed"
)

// routes are the result and status routes the load spreads over, in turn.
var routes = []string{
	"/api/results",
	"/api/results/pig/sales_by_region?page=1&page_size=50",
	"/api/results/pig/sales_by_region?page=1&page_size=3&sort=revenue&order=desc",
	"/api/results/spark/customer_rfm_analysis?page=2&page_size=20",
	"/api/results/spark/customer_rfm_analysis?page=1&page_size=20&q=champ&sort=rfm_score",
	"/api/sales/by-region",
	"/api/sales/by-category",
	"/api/analytics/pig-results",
	"/api/analytics/spark-results",
	"/api/runs?limit=10",
	"/api/rejects",
	"/api/system/status",
	"/healthz",
}

// upWhileDown is what a route answers while MongoDB is stopped: the
// process and its status report stay up, the rest say 503.
func upWhileDown(path string, status int) bool {
	if path == "/healthz" || path == "/api/system/status" {
		return status == http.StatusOK
	}
	return status == http.StatusServiceUnavailable
}

func main() {
	beamline := flag.String("beamline", "bin/beamline", "the beamline command (run from the repository root: up reads data/input and data/mongo)")
	workdir := flag.String("workdir", ".beamline-load", "beamline's working directory; its embedded MongoDB is loaded once and reused")
	url := flag.String("url", "", "load this running server instead (http://host:port): no set-up, no MongoDB-down phase")
	pid := flag.Int("pid", 0, "with --url: the server's process id, to report its RSS")
	rate := flag.Int("rate", 500, "requests per second")
	duration := flag.Duration("duration", 60*time.Second, "how long to hold the rate")
	down := flag.Duration("down", 20*time.Second, "how long to hold it again with MongoDB stopped (0: skip)")
	p99 := flag.Duration("p99", 20*time.Millisecond, "fail when the 99th percentile latency is above this")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if *url != "" {
		err = loadOnly(ctx, strings.TrimSuffix(*url, "/"), *pid, *rate, *duration, *p99)
	} else {
		err = benchmark(ctx, *beamline, *workdir, *rate, *duration, *down, *p99)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// loadOnly loads a running server.
func loadOnly(ctx context.Context, base string, pid, rate int, d, p99 time.Duration) error {
	l := load{Client: newClient(rate), Base: base, Paths: routes, Rate: rate, Duration: d}
	w := watch(ctx, base, pid)
	rep := l.run(ctx)
	mem := w.stop()
	fmt.Println("up:  ", rep)
	fmt.Println("      ", mem)
	return verdict(rep, p99)
}

// benchmark sets up MongoDB and the server, loads it, stops MongoDB and
// loads it again.
func benchmark(ctx context.Context, beamline, workdir string, rate int, d, down, p99 time.Duration) error {
	bin, err := filepath.Abs(beamline)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("--beamline %s: %w (make build builds it)", beamline, err)
	}
	dbDir := filepath.Join(workdir, "mongo")
	if _, err := os.Stat(dbDir); err != nil {
		fmt.Printf("▸ loading MongoDB in %s: beamline up --no-serve\n", workdir)
		up := exec.CommandContext(ctx, bin, "up", "--no-serve", "--workdir", workdir, "--log-file", filepath.Join(workdir, "up.log"))
		up.Stdout, up.Stderr = os.Stdout, os.Stderr
		if err := up.Run(); err != nil {
			os.RemoveAll(dbDir) // loaded again next time
			return fmt.Errorf("beamline up --no-serve: %w", err)
		}
	}
	db, err := mongoembed.Start(dbDir, "127.0.0.1:0", nil)
	if err != nil {
		return err
	}
	dbUp := true
	defer func() {
		if dbUp {
			db.Close()
		}
	}()
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	base := "http://" + addr
	srv := exec.Command(bin, "serve", "--mongo-uri", db.URI(), "--addr", addr, "--workdir", workdir, "--log-file", filepath.Join(workdir, "serve.log"))
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		srv.Wait()
	}()
	if err := waitStatus(ctx, base+"/api/results", http.StatusOK, 60*time.Second); err != nil {
		return err
	}
	fmt.Printf("▸ beamline serve (pid %d) on %s, MongoDB %s\n", srv.Process.Pid, addr, db.URI())

	client := newClient(rate)
	// warm-up, not counted: connections, the frames the sorted and
	// searched pages read once
	load{Client: client, Base: base, Paths: routes, Rate: rate, Duration: 2 * time.Second}.run(ctx)
	fmt.Printf("▸ %d requests/s for %s on %d routes\n", rate, d, len(routes))
	w := watch(ctx, base, srv.Process.Pid)
	rep := load{Client: client, Base: base, Paths: routes, Rate: rate, Duration: d}.run(ctx)
	mem := w.stop()
	fmt.Println("  ", rep)
	fmt.Println("  ", mem)
	err = verdict(rep, p99)

	if down > 0 && ctx.Err() == nil {
		fmt.Println("▸ stopping MongoDB")
		dbUp = false
		if cerr := db.Close(); cerr != nil {
			return cerr
		}
		if werr := waitStatus(ctx, base+"/api/results", http.StatusServiceUnavailable, 30*time.Second); werr != nil {
			return werr
		}
		fmt.Printf("▸ %d requests/s for %s with MongoDB stopped (want 503, /healthz and /api/system/status 200)\n", rate, down)
		w := watch(ctx, base, srv.Process.Pid)
		rep := load{Client: client, Base: base, Paths: routes, Rate: rate, Duration: down, OK: upWhileDown}.run(ctx)
		mem := w.stop()
		fmt.Println("  ", rep)
		fmt.Println("  ", mem)
		if rep.Errors > 0 {
			err = errors.Join(err, fmt.Errorf("with MongoDB stopped: %d answers other than 503 (200 for /healthz, /api/system/status)", rep.Errors))
		}
		if werr := waitStatus(ctx, base+"/healthz", http.StatusOK, time.Second); werr != nil {
			err = errors.Join(err, werr)
		}
	}
	return err
}

// verdict fails a run with errors or a p99 above the bound.
func verdict(rep report, p99 time.Duration) error {
	var err error
	if rep.Errors > 0 {
		err = fmt.Errorf("%d errors", rep.Errors)
	}
	if q := rep.Quantile(0.99); q > p99 {
		err = errors.Join(err, fmt.Errorf("p99 %s is above %s", q.Round(time.Microsecond), p99))
	}
	return err
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitStatus polls url until it answers status.
func waitStatus(ctx context.Context, url string, status int, within time.Duration) error {
	deadline := time.Now().Add(within)
	last := "no answer"
	for {
		resp, err := http.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == status {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("GET %s: %s after %s, want %d", url, last, within, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// watcher samples the server's RSS (from /proc/<pid>/status) and
// goroutines (from /metrics) every second.
type watcher struct {
	cancel context.CancelFunc
	done   chan struct{}

	mu         sync.Mutex
	rss        []int64 // KiB
	goroutines []int64
}

func watch(ctx context.Context, base string, pid int) *watcher {
	ctx, cancel := context.WithCancel(ctx)
	w := &watcher{cancel: cancel, done: make(chan struct{})}
	sample := func() {
		rss, _ := rssKiB(pid)
		g, _ := goroutines(base)
		w.mu.Lock()
		w.rss, w.goroutines = append(w.rss, rss), append(w.goroutines, g)
		w.mu.Unlock()
	}
	sample()
	go func() {
		defer close(w.done)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				sample()
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return w
}

// memory is what a watcher saw.
type memory struct{ rss, goroutines []int64 }

func (w *watcher) stop() memory {
	w.cancel()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return memory{rss: w.rss, goroutines: w.goroutines}
}

func (m memory) String() string {
	first, last := func(v []int64) int64 { return v[0] }, func(v []int64) int64 { return v[len(v)-1] }
	peak := func(v []int64) int64 {
		p := v[0]
		for _, x := range v {
			p = max(p, x)
		}
		return p
	}
	s := fmt.Sprintf("goroutines start %d, end %d, peak %d", first(m.goroutines), last(m.goroutines), peak(m.goroutines))
	if first(m.rss) > 0 {
		s = fmt.Sprintf("RSS start %.1f MiB, end %.1f MiB, peak %.1f MiB (%d samples); ", float64(first(m.rss))/1024,
			float64(last(m.rss))/1024, float64(peak(m.rss))/1024, len(m.rss)) + s
	}
	return s
}

// rssKiB reads VmRSS from /proc/<pid>/status.
func rssKiB(pid int) (int64, error) {
	if pid <= 0 {
		return 0, errors.New("no pid")
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

// goroutines reads go_goroutines from the server's /metrics.
func goroutines(base string) (int64, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return int64(f), err
		}
	}
	return 0, errors.New("no go_goroutines in /metrics")
}
