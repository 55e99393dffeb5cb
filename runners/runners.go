// Package runners owns the --runner family: which Beam runners beamline
// supports, how a pipeline is handed to one, and the ids runs are known by.
package runners

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	beamrunners "github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	// The reflection-free execution of registered functions.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/core/runtime/exec/optimized"
	// Local paths for Beam's filesystem registry.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	// The runners beamline supports register themselves.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/direct"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/flink"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/spark"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal"
)

// Default is the runner used when --runner is not given: Beam's prism,
// in-process.
const Default = "prism"

// names maps each accepted --runner value to the Beam runner that runs it.
var names = map[string]string{
	"prism":     "prism",
	"direct":    "direct",
	"universal": "universal",
	"portable":  "universal",
	"flink":     "flink",
	"spark":     "spark",
}

// Names returns the accepted --runner values, sorted.
func Names() []string {
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Selected returns the runner chosen by the --runner flag (Default when
// empty), or an error naming the accepted values.
func Selected() (string, error) {
	return normalize(*beamrunners.Runner)
}

// NeedsEndpoint reports whether runner submits to a Beam job service and
// so takes --endpoint (universal, portable, flink, spark); false for the
// in-process runners and for values that are not runners.
func NeedsEndpoint(runner string) bool {
	name, err := normalize(runner)
	if err != nil {
		return false
	}
	return names[name] != "prism" && names[name] != "direct"
}

// normalize returns the accepted --runner value for runner (Default when
// empty), or an error naming the accepted values.
func normalize(runner string) (string, error) {
	name := strings.ToLower(strings.TrimSpace(runner))
	if name == "" {
		name = Default
	}
	if _, ok := names[name]; !ok {
		return "", fmt.Errorf("--runner %q is not supported; use one of %s", runner, strings.Join(Names(), ", "))
	}
	return name, nil
}

// Run executes p on the selected runner and waits for it to finish. A job
// service must answer first: Beam would wait minutes for one that does not.
func Run(ctx context.Context, p *beam.Pipeline) (beam.PipelineResult, error) {
	name, err := Selected()
	if err != nil {
		return nil, err
	}
	if names[name] == "prism" || names[name] == "universal" {
		addExperiment(noDynamicSplits)
	}
	endpoint := *jobopts.Endpoint // "" for in-process prism, which starts its own
	if endpoint != "" && names[name] != "direct" {
		if err := reachable(ctx, endpoint); err != nil {
			return nil, err
		}
	}
	res, err := beam.Run(ctx, names[name], p)
	if err != nil && endpoint != "" && status.Code(err) == codes.Unavailable {
		// The job service went away mid-job; Beam reports it as a bare rpc error.
		err = fmt.Errorf("lost the job service at %s: %s", endpoint, Cause(err))
	}
	return res, err
}

// DialTimeout bounds the wait for a job service to accept a connection.
const DialTimeout = 10 * time.Second

// reachable checks that something accepts connections at endpoint.
func reachable(ctx context.Context, endpoint string) error {
	d := net.Dialer{Timeout: DialTimeout}
	conn, err := d.DialContext(ctx, "tcp", endpoint)
	if err != nil {
		return fmt.Errorf("the job service at %s is not reachable: %w", endpoint, err)
	}
	return conn.Close()
}

// noDynamicSplits turns off prism's splitting of slow bundles. beamline's
// DoFns spread their work over every core within a bundle (the reader's
// parse pool, the folds' goroutines, the per-sale pass); prism's splits
// would only multiply their per-bundle state — partial accumulators, blocks
// read ahead — and the memory it holds. Other runners ignore it.
const noDynamicSplits = "prism_disable_sdf_split"

// addExperiment adds a Beam experiment unless it is already set.
func addExperiment(name string) {
	current := strings.Split(*jobopts.Experiments, ",")
	for _, e := range current {
		if strings.TrimSpace(e) == name {
			return
		}
	}
	if *jobopts.Experiments == "" {
		*jobopts.Experiments = name
	} else {
		*jobopts.Experiments += "," + name
	}
}

// NewRunID returns a new id for a run of pipeline: the pipeline, the UTC
// start time and a random suffix, e.g. sales-20261126T163000Z-3f9a2c.
func NewRunID(pipeline string) string {
	var b [3]byte
	rand.Read(b[:])
	return pipeline + "-" + time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// Cause shortens a failed job's error to what went wrong: runners report a
// failure with the whole execution plan and stack traces. The cause is the
// first line after the last "caused by:", or else the last line.
func Cause(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "caused by:"); i >= 0 {
		lines := strings.Split(strings.TrimSpace(msg[i+len("caused by:"):]), "\n")
		msg = lines[0]
		for k := 0; k+1 < len(lines) && isDoFnHeader(lines[k]); k++ {
			msg = lines[k+1] // a DoFn's own error follows the line naming the DoFn
		}
	} else {
		lines := strings.Split(strings.TrimSpace(msg), "\n")
		msg = lines[len(lines)-1]
	}
	if i := strings.Index(msg, " goroutine "); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

// isDoFnHeader reports whether line is Beam's "DoFn[UID:2, PID:e2, Name:
// main.fn] failed:", which precedes the error a DoFn returned.
func isDoFnHeader(line string) bool {
	line = strings.TrimSpace(line)
	return strings.HasPrefix(line, "DoFn[") && strings.HasSuffix(line, "failed:")
}
