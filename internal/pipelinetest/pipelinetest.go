// Package pipelinetest runs beamline's pipeline commands in tests the way a
// user does: built once per test package, executed with flags, their
// outputs read back through the results contract.
package pipelinetest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/beamline/beamline/internal/results"
)

var (
	mu    sync.Mutex
	built = map[string]string{}
	dir   string
)

// Repo returns the repository root.
func Repo() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Build builds the command at pkg (relative to the repository, e.g.
// "./pipelines/sales") once per test binary and returns its path. Extra
// arguments go to go build (e.g. "-ldflags=-s -w").
func Build(t testing.TB, pkg string, args ...string) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	key := pkg + " " + strings.Join(args, " ")
	if bin, ok := built[key]; ok {
		return bin
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "beamline-bin-")
		if err != nil {
			t.Fatal(err)
		}
		dir = d
	}
	bin := filepath.Join(dir, filepath.Base(pkg)+"-"+strconv.Itoa(len(built)))
	cmd := exec.Command("go", append(append([]string{"build", "-o", bin}, args...), pkg)...)
	cmd.Dir = Repo()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	built[key] = bin
	return bin
}

// Cleanup removes the built binaries; call it from TestMain.
func Cleanup() {
	if dir != "" {
		os.RemoveAll(dir)
	}
}

// Result is how a command ended.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Run runs bin with args in the repository root.
func Run(t testing.TB, bin string, args ...string) Result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = Repo()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", bin, err)
	}
	return r
}

// MustRun runs bin and fails the test unless it exits 0.
func MustRun(t testing.TB, bin string, args ...string) Result {
	t.Helper()
	r := Run(t, bin, args...)
	if r.Code != 0 {
		t.Fatalf("%s %s: exit %d\nstdout:\n%s\nstderr:\n%s", filepath.Base(bin), strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	return r
}

// Dataset reads a committed dataset: its header and rows.
func Dataset(t testing.TB, root, path string) (results.Meta, [][]string) {
	t.Helper()
	m, rows, err := results.ReadAll(context.Background(), root, path)
	if err != nil {
		t.Fatalf("read dataset %s: %v", path, err)
	}
	return m, rows
}

// Sorted returns rows sorted as text, for datasets without an order.
func Sorted(rows [][]string) [][]string {
	out := append([][]string(nil), rows...)
	sort.Slice(out, func(i, j int) bool { return strings.Join(out[i], "\x00") < strings.Join(out[j], "\x00") })
	return out
}

// Column returns the values of the named column.
func Column(t testing.TB, m results.Meta, rows [][]string, name string) []string {
	t.Helper()
	i := m.Column(name)
	if i < 0 {
		t.Fatalf("%s has no column %q (columns %v)", m.Path, name, m.Columns)
	}
	out := make([]string, len(rows))
	for j, r := range rows {
		out[j] = r[i]
	}
	return out
}
