package results

import (
	"bufio"
	"fmt"
	"os"
	"sync"
)

// PauseEnv names a test hook: a process run with BEAMLINE_TEST_PAUSE_AT=<stage>
// stops when it reaches that stage, prints "paused at <stage>" to stderr,
// and waits for a line on (or the end of) its stdin, so that a test can
// SIGKILL it at a chosen point or stop a store under it and let it go on.
// Stages: write (a part file half written), manifest (all rows read and
// written, before the manifest), commit (the commit journal written, nothing
// swapped yet), swap (the first dataset swapped into place, the others not),
// publish (the first chunks of a dataset inserted in MongoDB). Unset, it
// does nothing.
const PauseEnv = "BEAMLINE_TEST_PAUSE_AT"

var (
	pauseAt   = os.Getenv(PauseEnv)
	pauseOnce sync.Once
)

// Pausing reports whether the process is to pause at stage.
func Pausing(stage string) bool { return pauseAt != "" && pauseAt == stage }

// Pause pauses the process at stage if PauseEnv names it, the first time
// the stage is reached (other bundles go on).
func Pause(stage string) {
	if !Pausing(stage) {
		return
	}
	pauseOnce.Do(func() {
		fmt.Fprintf(os.Stderr, "paused at %s\n", stage)
		bufio.NewReader(os.Stdin).ReadString('\n')
	})
}
