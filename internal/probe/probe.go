// Package probe checks the services beamline depends on — MongoDB, the
// HDFS namenode and the Beam job service — the way the original's
// /api/system/status meant to: each asked something real (a ping and the
// collection counts, the filesystem's capacity and live datanodes, the jobs
// the job service knows), concurrently, each within a timeout. The API's
// status route and `beamline status` both report what Check returns.
package probe

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/beamline/beamline/internal/mongostore"
)

// Statuses of a service.
const (
	Connected     = "connected"
	Disconnected  = "disconnected" // with the error saying why
	NotConfigured = "not configured"
)

// DefaultTimeout bounds each probe when Targets.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// Targets are the services to probe; an empty one is "not configured".
type Targets struct {
	// Mongo returns the store to probe, or why there is none (e.g. the
	// server is not reachable yet). nil: no MongoDB configured.
	Mongo func(ctx context.Context) (*mongostore.Store, error)
	// HDFS is a namenode URL (hdfs://namenode:8020; hdfs:/// takes
	// fs.defaultFS from $HADOOP_CONF_DIR).
	HDFS string
	// JobEndpoint is a Beam job service's host:port (a Flink or Spark job
	// server, or prism).
	JobEndpoint string
	// Timeout bounds each probe; DefaultTimeout when zero.
	Timeout time.Duration
}

// MongoURI returns a Targets.Mongo for callers without a store of their
// own, such as `beamline status`: the process's shared store for uri,
// connected on first use. "" gives nil (not configured).
func MongoURI(uri string) func(ctx context.Context) (*mongostore.Store, error) {
	if uri == "" {
		return nil
	}
	return func(ctx context.Context) (*mongostore.Store, error) {
		return mongostore.Shared(ctx, uri)
	}
}

// Report is what Check found. Its JSON is the "mongodb", "hadoop" and
// "spark" members of /api/system/status.
type Report struct {
	MongoDB Mongo   `json:"mongodb"`
	Hadoop  Service `json:"hadoop"`
	Spark   Service `json:"spark"`
}

// Mongo is MongoDB's status: its ping latency and its collections.
type Mongo struct {
	Status      string           `json:"status"`
	LatencyMS   float64          `json:"latency_ms"`
	Collections []string         `json:"collections"`
	Counts      map[string]int64 `json:"counts"`
	Error       string           `json:"error,omitempty"`
}

// Service is the status of HDFS or the job service; Info is *HadoopInfo
// or *JobsInfo when connected, and names the target otherwise.
type Service struct {
	Status string `json:"status"`
	Info   any    `json:"info"`
	Error  string `json:"error,omitempty"`
}

// Check runs every configured probe concurrently, each bounded by the
// timeout, and returns when all have answered or timed out.
func Check(ctx context.Context, t Targets) Report {
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	r := Report{
		MongoDB: Mongo{Status: NotConfigured, Collections: []string{}, Counts: map[string]int64{}},
		Hadoop:  Service{Status: NotConfigured, Info: map[string]any{}},
		Spark:   Service{Status: NotConfigured, Info: map[string]any{}},
	}
	var wg sync.WaitGroup
	if t.Mongo != nil {
		wg.Go(func() {
			r.MongoDB = bounded(ctx, timeout, func(ctx context.Context) Mongo { return checkMongo(ctx, t.Mongo) },
				func(err error) Mongo {
					return Mongo{Status: Disconnected, Collections: []string{}, Counts: map[string]int64{}, Error: err.Error()}
				})
		})
	}
	if t.HDFS != "" {
		wg.Go(func() {
			r.Hadoop = bounded(ctx, timeout, func(ctx context.Context) Service { return checkHDFS(ctx, t.HDFS) },
				func(err error) Service {
					return Service{Status: Disconnected, Info: map[string]any{"namenode": t.HDFS}, Error: err.Error()}
				})
		})
	}
	if t.JobEndpoint != "" {
		wg.Go(func() {
			r.Spark = bounded(ctx, timeout, func(ctx context.Context) Service { return checkJobs(ctx, t.JobEndpoint) },
				func(err error) Service {
					return Service{Status: Disconnected, Info: map[string]any{"endpoint": t.JobEndpoint}, Error: err.Error()}
				})
		})
	}
	wg.Wait()
	return r
}

// bounded runs probe with a deadline and returns failed(...) if it has not
// answered by then: some clients (HDFS) take no context, so the probe may
// go on in the background until their own timeout ends it.
func bounded[T any](ctx context.Context, timeout time.Duration, probe func(context.Context) T, failed func(error) T) T {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan T, 1)
	go func() { done <- probe(ctx) }()
	select {
	case v := <-done:
		return v
	case <-ctx.Done():
		if ctx.Err() == context.DeadlineExceeded {
			return failed(fmt.Errorf("no answer within %s", timeout))
		}
		return failed(ctx.Err())
	}
}

func checkMongo(ctx context.Context, get func(context.Context) (*mongostore.Store, error)) Mongo {
	m := Mongo{Status: Disconnected, Collections: []string{}, Counts: map[string]int64{}}
	s, err := get(ctx)
	if err == nil && s == nil {
		err = errors.New("no MongoDB store")
	}
	if err != nil {
		m.Error = err.Error()
		return m
	}
	latency, err := s.Ping(ctx)
	if err != nil {
		m.Error = fmt.Sprintf("MongoDB %s: ping: %v", s.URI(), err)
		return m
	}
	m.Status = Connected
	m.LatencyMS = float64(latency.Microseconds()) / 1000
	counts, err := s.Collections(ctx)
	if err != nil {
		m.Error = err.Error()
		return m
	}
	for name, n := range counts {
		m.Collections = append(m.Collections, name)
		m.Counts[name] = n
	}
	sort.Strings(m.Collections)
	return m
}
