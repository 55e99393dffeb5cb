package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// load holds a fixed request rate open-loop: request i is due at start +
// i/rate whether or not the earlier ones have answered, and its latency is
// counted from when it was due, so a server that stalls is charged for the
// requests that queued behind the stall (no coordinated omission).
type load struct {
	Client   *http.Client
	Base     string   // http://host:port
	Paths    []string // requested in turn
	Rate     int      // requests per second
	Duration time.Duration
	// OK reports whether a status is what the path should answer (nil:
	// 200 only); anything else is counted as an error.
	OK func(path string, status int) bool
}

// report is what a load run measured.
type report struct {
	Sent     int
	Elapsed  time.Duration
	Statuses map[int]int    // answers by status
	Failures map[string]int // transport errors by message, status 0
	Errors   int            // answers not OK plus transport errors
	Samples  []time.Duration
}

// Rate is the requests per second achieved (answered, over the run).
func (r report) Rate() float64 { return float64(len(r.Samples)) / r.Elapsed.Seconds() }

// Quantile returns the q-quantile of the latencies (nearest rank).
func (r report) Quantile(q float64) time.Duration {
	if len(r.Samples) == 0 {
		return 0
	}
	i := int(q*float64(len(r.Samples))+0.5) - 1
	return r.Samples[min(max(i, 0), len(r.Samples)-1)]
}

func (r report) String() string {
	codes := make([]int, 0, len(r.Statuses))
	for c := range r.Statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var st []string
	for _, c := range codes {
		st = append(st, fmt.Sprintf("%d×%d", r.Statuses[c], c))
	}
	for msg, n := range r.Failures {
		st = append(st, fmt.Sprintf("%d×%q", n, msg))
	}
	return fmt.Sprintf("%d requests in %s (%.1f/s): p50 %s, p99 %s, max %s; errors %d; statuses %s",
		len(r.Samples), r.Elapsed.Round(time.Millisecond), r.Rate(), r.Quantile(0.50).Round(time.Microsecond),
		r.Quantile(0.99).Round(time.Microsecond), r.Quantile(1).Round(time.Microsecond), r.Errors, strings.Join(st, " "))
}

// run sends the load and waits for every answer.
func (l load) run(ctx context.Context) report {
	ok := l.OK
	if ok == nil {
		ok = func(_ string, status int) bool { return status == http.StatusOK }
	}
	n := int(l.Duration.Seconds() * float64(l.Rate))
	interval := time.Second / time.Duration(l.Rate)
	var (
		mu  sync.Mutex
		rep = report{Statuses: map[int]int{}, Failures: map[string]int{}, Samples: make([]time.Duration, 0, n)}
		wg  sync.WaitGroup
	)
	start := time.Now()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		path := l.Paths[i%len(l.Paths)]
		rep.Sent++
		wg.Go(func() {
			status, err := l.get(ctx, path)
			lat := time.Since(due)
			mu.Lock()
			defer mu.Unlock()
			rep.Samples = append(rep.Samples, lat)
			if err != nil {
				rep.Failures[err.Error()]++
				rep.Errors++
				return
			}
			rep.Statuses[status]++
			if !ok(path, status) {
				rep.Errors++
			}
		})
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	sort.Slice(rep.Samples, func(i, j int) bool { return rep.Samples[i] < rep.Samples[j] })
	return rep
}

// get requests path and reads the whole answer.
func (l load) get(ctx context.Context, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.Base+path, nil)
	if err != nil {
		return 0, err
	}
	resp, err := l.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// newClient is an HTTP client that keeps enough connections open for rate
// requests per second without opening new ones.
func newClient(rate int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = rate
	t.MaxIdleConnsPerHost = rate
	return &http.Client{Transport: t, Timeout: 10 * time.Second}
}
