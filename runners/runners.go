// Package runners owns the --runner family: which Beam runners beamline
// supports, how a pipeline is handed to one, and the ids runs are known by.
package runners

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	beamrunners "github.com/apache/beam/sdks/v2/go/pkg/beam/runners"

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
	name := strings.ToLower(strings.TrimSpace(*beamrunners.Runner))
	if name == "" {
		name = Default
	}
	if _, ok := names[name]; !ok {
		return "", fmt.Errorf("--runner %q is not supported; use one of %s", *beamrunners.Runner, strings.Join(Names(), ", "))
	}
	return name, nil
}

// Run executes p on the selected runner and waits for it to finish.
func Run(ctx context.Context, p *beam.Pipeline) (beam.PipelineResult, error) {
	name, err := Selected()
	if err != nil {
		return nil, err
	}
	if names[name] == "prism" || names[name] == "universal" {
		addExperiment(noDynamicSplits)
	}
	return beam.Run(ctx, names[name], p)
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
		msg = strings.TrimSpace(msg[i+len("caused by:"):])
		if j := strings.IndexByte(msg, '\n'); j >= 0 {
			msg = msg[:j]
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
