// Command stall is a pipeline for the tests of the runners: its one step
// creates the file --started and then waits, so that a test can take the
// job service away while a job runs. It runs through the same job.Start,
// runners.Run and exit codes as beamline's pipelines.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/internal/job"
)

func init() {
	register.DoFn2x1[context.Context, []byte, error](&stallFn{})
}

// stallFn announces that it runs, then waits Seconds and fails.
type stallFn struct {
	Started string
	Seconds int
}

func (f *stallFn) ProcessElement(ctx context.Context, _ []byte) error {
	if err := os.WriteFile(f.Started, nil, 0o644); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Duration(f.Seconds) * time.Second):
		return fmt.Errorf("stall: still running after %ds", f.Seconds)
	}
}

func main() {
	started := flag.String("started", "", "file the step creates when it starts (required)")
	seconds := flag.Int("seconds", 60, "how long the step waits before it fails")
	flags := job.RegisterFlags("stall", "a step that waits, for the tests of the runners")
	flag.Parse()
	beam.Init()
	if *started == "" {
		fmt.Fprintln(os.Stderr, "stall: --started is required")
		os.Exit(job.ExitUsage)
	}
	run := job.Start(flags)
	p, s := beam.NewPipelineWithRoot()
	beam.ParDo0(s, &stallFn{Started: *started, Seconds: *seconds}, beam.Impulse(s))
	run.Execute(p, s)
}
