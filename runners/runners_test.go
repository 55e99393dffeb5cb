package runners

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	beamrunners "github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
)

func TestSelected(t *testing.T) {
	defer func(old string) { *beamrunners.Runner = old }(*beamrunners.Runner)
	for in, want := range map[string]string{"": "prism", "direct": "direct", "PORTABLE": "portable", " flink ": "flink"} {
		*beamrunners.Runner = in
		got, err := Selected()
		if err != nil || got != want {
			t.Errorf("Selected(%q) = %q, %v", in, got, err)
		}
	}
	*beamrunners.Runner = "dataflow"
	if _, err := Selected(); err == nil || !strings.Contains(err.Error(), "use one of direct, flink, portable, prism, spark, universal") {
		t.Errorf("unsupported runner: %v", err)
	}
}

func TestCause(t *testing.T) {
	err := errors.New("job job-001 failed:\nbundle inst030 failed: panic\nFull error:\nwhile executing Process for Plan[stage-016]:\n1: DataSource\n\tcaused by:\nsales_data.csv: missing required column(s) region goroutine 219 [running]:\nstack")
	if got := Cause(err); got != "sales_data.csv: missing required column(s) region" {
		t.Errorf("Cause = %q", got)
	}
	if got := Cause(errors.New("job job-001 failed:\nbundle failed: invalid bundle desc\n\tunmarshalling coder c39\ntype mismatch: got A, want B")); got != "type mismatch: got A, want B" {
		t.Errorf("Cause = %q", got)
	}
	doFn := errors.New("job job-002 failed:\nbundle inst002 stage-005 failed:process bundle failed\n2: ParDo[main.stallFn] Out:[]\n\tcaused by:\nsource failed processing data\n\tcaused by:\nDoFn[UID:2, PID:e2, Name: main.stallFn] failed:\nstall: still running after 1s")
	if got := Cause(doFn); got != "stall: still running after 1s" {
		t.Errorf("Cause of a DoFn's error = %q", got)
	}
	if got := Cause(errors.New("plain")); got != "plain" {
		t.Errorf("Cause = %q", got)
	}
}

func TestRunIDs(t *testing.T) {
	a, b := NewRunID("sales"), NewRunID("sales")
	if a == b || !strings.HasPrefix(a, "sales-") || len(a) != len("sales-20261126T163000Z-3f9a2c") {
		t.Errorf("ids %s %s", a, b)
	}
}

func TestAddExperimentKeepsTheUsers(t *testing.T) {
	defer func(old string) { *jobopts.Experiments = old }(*jobopts.Experiments)
	*jobopts.Experiments = ""
	addExperiment("a")
	addExperiment("a")
	if *jobopts.Experiments != "a" {
		t.Errorf("experiments %q", *jobopts.Experiments)
	}
	*jobopts.Experiments = "x,y"
	addExperiment("a")
	if *jobopts.Experiments != "x,y,a" {
		t.Errorf("experiments %q", *jobopts.Experiments)
	}
}

// TestReachable: a job service that does not accept connections is
// reported at once, naming its address, instead of after Beam's
// two-minute wait.
func TestReachable(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	if err := reachable(context.Background(), addr); err != nil {
		t.Errorf("listening %s: %v", addr, err)
	}
	lis.Close()
	start := time.Now()
	err = reachable(context.Background(), addr)
	if err == nil || !strings.Contains(err.Error(), "the job service at "+addr+" is not reachable") {
		t.Errorf("closed %s: %v", addr, err)
	}
	if d := time.Since(start); d > DialTimeout {
		t.Errorf("took %s", d)
	}
}

func TestNeedsEndpoint(t *testing.T) {
	for runner, want := range map[string]bool{"universal": true, "Portable": true, "flink": true, "spark": true,
		"prism": false, "": false, "direct": false, "nope": false} {
		if got := NeedsEndpoint(runner); got != want {
			t.Errorf("NeedsEndpoint(%q) = %v, want %v", runner, got, want)
		}
	}
}
