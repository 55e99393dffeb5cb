// Command bench is the benchmark behind `make bench`: it times beamline's
// pipelines against DuckDB running the equivalent SQL and against a plain
// single-pass Go program, as whole processes, and writes the table to
// docs/performance.md.
//
// It generates the data once (data/gen, fixed seed, cached in
// bench/.cache), builds the pipelines, a standalone prism job server and
// this module's duckdb and plain programs, then runs every (workload,
// engine) pair RUNS times, the engines of a workload taking turns (round
// robin) so that their ratios share the machine's state. Each run is a
// child process measured with wait4's rusage (user + system CPU, peak RSS)
// and wall time; the table shows medians. Every run writes files only
// (CSV datasets under a scratch output folder, removed after the run).
//
// The workloads: pipelines/sales on 1M and 10M rows (prism in-process,
// direct, a standalone prism job server, DuckDB, plain Go);
// pipelines/employees on 1M employees (prism, DuckDB); pipelines/advanced
// on 10M rows (prism, DuckDB).
//
//	cd bench && go run ./cmd/bench            # the full run (~20 min), writes docs/performance.md
//	cd bench && go run ./cmd/bench --quick    # 1M rows only (~1 min), prints the table
//	cd bench && go run ./cmd/bench --check    # cross-check every engine's datasets on 50k rows
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// asOf pins the advanced analyses' "today" in both beamline and DuckDB.
const asOf = "2025-01-15"

// employeesRows is the employee count of the employees workload.
const employeesRows = 1_000_000

func main() {
	quick := flag.Bool("quick", envBool("QUICK"), "skip the 10M-row datasets: sales on 1M rows, employees on 1M, advanced on 1M (env QUICK=1)")
	rowsFlag := flag.String("rows", os.Getenv("ROWS"), "comma-separated sales row counts (default 1000000,10000000; 1000000 with --quick) (env ROWS)")
	runs := flag.Int("runs", envInt("RUNS", 3), "runs per (workload, engine); the table shows medians (env RUNS)")
	docs := flag.String("docs", "auto", "file to write the table into, between its markers; auto: docs/performance.md on a full run, none with --quick; none: do not write")
	check := flag.Bool("check", false, "cross-check instead: run every engine on --check-rows rows and compare their datasets with beamline's")
	checkRowsFlag := flag.Int64("check-rows", checkRows, "(--check) sales rows of the cross-check data (employees: a tenth)")
	checkSeedFlag := flag.Int("check-seed", checkSeed, "(--check) seed of the cross-check data")
	idleWait := flag.Duration("idle-wait", 2*time.Minute, "before each run, wait up to this long for the rest of the machine to go idle (0: do not wait)")
	only := flag.String("only", "", "run only the workloads whose name contains this (e.g. sales, advanced)")
	repoFlag := flag.String("repo", "", "beamline's repository root (default: found from the working directory)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), `bench — beamline's pipelines against DuckDB and a plain Go pass

Usage: cd bench && go run ./cmd/bench [flags]      (or: make bench)

Generates the data once (bench/.cache), builds the pipelines, a prism job
server and the duckdb and plain programs, times every (workload, engine)
pair as a whole process (medians of --runs runs, engines taking turns) and
prints wall s, CPU s, CPU/wall, peak RSS, rows/s and the ratio to DuckDB.
A full run writes the table to docs/performance.md between its markers.

With --check it cross-checks instead: beamline (prism, direct, job server),
DuckDB and plain Go on 50k generated rows, every dataset compared row by
row with beamline's; exit status 1 when any differs.

Flags:
`)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 || *runs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	repo, err := findRepo(*repoFlag)
	if err != nil {
		fatal(err)
	}
	b := &bench{repo: repo, cache: filepath.Join(repo, "bench", ".cache")}
	b.bin = filepath.Join(b.cache, "bin")
	if *check {
		ok, err := b.crossCheck(os.Stdout, *checkRowsFlag, *checkSeedFlag)
		if err != nil {
			fatal(err)
		}
		if !ok {
			os.Exit(1)
		}
		return
	}
	rows, err := parseRows(*rowsFlag, *quick)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: --rows: %v\n", err)
		os.Exit(2)
	}
	docsPath := *docs
	switch docsPath {
	case "auto":
		docsPath = ""
		if !*quick && *rowsFlag == "" && *only == "" {
			docsPath = filepath.Join(repo, "docs", "performance.md")
		}
	case "none":
		docsPath = ""
	}
	b.idleWait = *idleWait
	if err := b.run(rows, *runs, *only, docsPath); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "bench: %v\n", err)
	os.Exit(1)
}

func envBool(name string) bool {
	v, _ := strconv.ParseBool(os.Getenv(name))
	return v
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// parseRows reads the sales row counts.
func parseRows(s string, quick bool) ([]int64, error) {
	if s == "" {
		if quick {
			return []int64{1_000_000}, nil
		}
		return []int64{1_000_000, 10_000_000}, nil
	}
	var rows []int64
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("not a row count: %q", f)
		}
		if quick && n > 1_000_000 {
			continue
		}
		rows = append(rows, n)
	}
	if len(rows) == 0 {
		return nil, errors.New("no row counts left")
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i] < rows[j] })
	return rows, nil
}

// findRepo returns beamline's repository root: dir, or the nearest folder
// at or above the working directory whose go.mod is beamline's module.
func findRepo(dir string) (string, error) {
	isRepo := func(d string) bool {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		return err == nil && regexp.MustCompile(`(?m)^module github.com/beamline/beamline\s*$`).Match(b)
	}
	if dir != "" {
		if !isRepo(dir) {
			return "", fmt.Errorf("%s is not beamline's repository root", dir)
		}
		return filepath.Abs(dir)
	}
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isRepo(d) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("beamline's repository root not found above the working directory; give --repo")
		}
		d = parent
	}
}

// bench holds the paths every step uses.
type bench struct {
	repo  string // beamline's repository root
	cache string // bench/.cache: data, binaries, scratch output
	bin   string // built commands
	// idleWait is how long a run waits for the rest of the machine to go
	// idle.
	idleWait time.Duration
}

// dataset is generated input: a folder holding sample_data.csv and
// sales_data.csv.
type dataset struct {
	dir              string
	sales, employees int64
	seed             int
}

// data returns the cached dataset generated with these flags, generating
// it when missing or generated with other flags.
func (b *bench) data(name string, sales, employees int64, seed int) (dataset, error) {
	d := dataset{dir: filepath.Join(b.cache, name), sales: sales, employees: employees, seed: seed}
	if d.cached() {
		return d, nil
	}
	what := "a tenth as many employees"
	if employees != 0 {
		what = itoa(employees) + " employees"
	}
	fmt.Printf("generating %s (%d sales rows, %s, seed %d) …\n", d.dir, sales, what, seed)
	if err := os.RemoveAll(d.dir); err != nil {
		return d, err
	}
	args := []string{"--rows", itoa(sales), "--seed", strconv.Itoa(seed), "--out", d.dir}
	if employees != 0 {
		args = append(args, "--employees", itoa(employees))
	}
	if err := command(b.repo, filepath.Join(b.bin, "gen"), args...); err != nil {
		return d, err
	}
	if !d.cached() {
		return d, fmt.Errorf("%s: generated data does not match its flags", d.dir)
	}
	return d, nil
}

// cached reports whether d's folder holds data generated with its flags
// (read from gen_report.json, written last).
func (d dataset) cached() bool {
	rep, err := os.ReadFile(filepath.Join(d.dir, "gen_report.json"))
	if err != nil {
		return false
	}
	var r struct {
		Seed      int     `json:"seed"`
		Dirty     float64 `json:"dirty"`
		Employees struct {
			Rows int64 `json:"rows"`
		} `json:"employees"`
		Sales struct {
			Rows int64 `json:"rows"`
		} `json:"sales"`
	}
	if err := json.Unmarshal(rep, &r); err != nil {
		return false
	}
	if r.Seed != d.seed || r.Dirty != 0 || r.Sales.Rows != d.sales || (d.employees != 0 && r.Employees.Rows != d.employees) {
		return false
	}
	for _, f := range []string{"sales_data.csv", "sample_data.csv"} {
		if _, err := os.Stat(filepath.Join(d.dir, f)); err != nil {
			return false
		}
	}
	return true
}

// build builds everything the runs use into bench/.cache/bin: the data
// generator and the pipelines (beamline's module), the prism job server
// (from the Beam module beamline requires), and this module's duckdb and
// plain programs.
func (b *bench) build() error {
	fmt.Println("building the pipelines, prism, duckdb and plain …")
	if err := os.MkdirAll(b.bin, 0o755); err != nil {
		return err
	}
	steps := []struct {
		dir  string
		args []string
	}{
		{b.repo, []string{"build", "-o", b.bin + "/", "./data/gen", "./pipelines/sales", "./pipelines/employees", "./pipelines/advanced"}},
		{b.repo, []string{"build", "-o", filepath.Join(b.bin, "prism"), "github.com/apache/beam/sdks/v2/go/cmd/prism"}},
		{filepath.Join(b.repo, "bench"), []string{"build", "-o", b.bin + "/", "./cmd/duckdb", "./cmd/plain"}},
	}
	for _, s := range steps {
		if err := command(s.dir, goCmd(), s.args...); err != nil {
			return err
		}
	}
	return nil
}

func goCmd() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

// command runs a helper command (a build, the generator), failing with its
// output.
func command(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(out, 4000))
	}
	return nil
}

// engine is one way of computing a workload's datasets.
type engine struct {
	key, name string
	// argv returns the command line computing w's datasets into out.
	argv func(w *workload, out string) []string
	// jobServer marks runs submitted to the standalone job server, whose
	// CPU time and peak RSS are added to the submitter's.
	jobServer bool
}

// workload is one analysis on one dataset, with the engines that run it.
type workload struct {
	name     string // e.g. "sales 10M"
	analysis string // sales, employees or advanced
	data     dataset
	rows     int64 // the rows rows/s counts
	rowsWhat string
	engines  []*engine
	results  map[string][]sample
	duckdb   string // the DuckDB version the duckdb program reported
}

// engines returns the engines, the job server's endpoint filled in when
// the server is up.
func (b *bench) engines(srv *jobServer) map[string]*engine {
	pipeline := func(extra ...string) func(w *workload, out string) []string {
		return func(w *workload, out string) []string {
			argv := []string{filepath.Join(b.bin, w.analysis), "--input", w.data.dir, "--output", out}
			if w.analysis == "advanced" {
				argv = append(argv, "--as-of", asOf)
			}
			return append(argv, extra...)
		}
	}
	e := map[string]*engine{
		"prism":  {key: "prism", name: "beamline, prism in-process", argv: pipeline("--runner=prism")},
		"direct": {key: "direct", name: "beamline, direct", argv: pipeline("--runner=direct")},
		"duckdb": {key: "duckdb", name: "DuckDB SQL (2 threads)", argv: func(w *workload, out string) []string {
			argv := []string{filepath.Join(b.bin, "duckdb"), "--analysis", w.analysis, "--input", w.data.dir, "--output", out, "--threads", "2"}
			if w.analysis == "advanced" {
				argv = append(argv, "--as-of", asOf)
			}
			return argv
		}},
		"plain": {key: "plain", name: "plain Go, 1 pass, 1 thread", argv: func(w *workload, out string) []string {
			return []string{filepath.Join(b.bin, "plain"), "--input", w.data.dir, "--output", out}
		}},
	}
	if srv != nil {
		e["jobserver"] = &engine{key: "jobserver", name: "beamline, prism job server", jobServer: true,
			argv: pipeline("--runner=universal", "--endpoint="+srv.endpoint(), "--environment_type=LOOPBACK")}
	}
	return e
}

// run generates, builds, runs the matrix and reports.
func (b *bench) run(rows []int64, runs int, only, docsPath string) error {
	if err := b.build(); err != nil {
		return err
	}
	srv, err := startJobServer(filepath.Join(b.bin, "prism"), filepath.Join(b.cache, "prism.log"))
	if err != nil {
		return err
	}
	defer srv.stop()
	eng := b.engines(srv)
	pick := func(keys ...string) []*engine {
		var out []*engine
		for _, k := range keys {
			out = append(out, eng[k])
		}
		return out
	}
	var workloads []*workload
	for _, n := range rows {
		d, err := b.data("sales-"+itoa(n), n, 0, 1)
		if err != nil {
			return err
		}
		workloads = append(workloads, &workload{name: "sales " + short(n), analysis: "sales", data: d, rows: n, rowsWhat: "sales rows",
			engines: pick("prism", "direct", "jobserver", "duckdb", "plain")})
		if n == rows[0] {
			e, err := b.data("employees-"+itoa(employeesRows), 100, employeesRows, 1)
			if err != nil {
				return err
			}
			workloads = append(workloads, &workload{name: "employees " + short(employeesRows), analysis: "employees", data: e,
				rows: employeesRows, rowsWhat: "employees", engines: pick("prism", "duckdb")})
		}
	}
	big, err := b.data("sales-"+itoa(rows[len(rows)-1]), rows[len(rows)-1], 0, 1)
	if err != nil {
		return err
	}
	workloads = append(workloads, &workload{name: "advanced " + short(big.sales), analysis: "advanced", data: big, rows: big.sales,
		rowsWhat: "sales rows (+" + short(big.sales/10) + " employees)", engines: pick("prism", "duckdb")})
	if only != "" {
		var keep []*workload
		for _, w := range workloads {
			if strings.Contains(w.name, only) {
				keep = append(keep, w)
			}
		}
		workloads = keep
	}
	total := 0
	for _, w := range workloads {
		total += runs * len(w.engines)
	}
	fmt.Printf("running %d workloads, %d runs each per engine, engines taking turns (%d runs)\n", len(workloads), runs, total)
	started := time.Now()
	done := 0
	for _, w := range workloads {
		w.results = map[string][]sample{}
		warm(w.data.dir)
		for r := 0; r < runs; r++ {
			// Round robin, starting one engine later each round.
			for i := range w.engines {
				e := w.engines[(i+r)%len(w.engines)]
				done++
				if b.idleWait > 0 && !waitIdle(b.idleWait) {
					fmt.Printf("        (other work still uses more than %.1f of a core after %s: running anyway)\n", busyThreshold, b.idleWait)
				}
				s, err := b.once(w, e, srv)
				if err != nil {
					return err
				}
				w.results[e.key] = append(w.results[e.key], s)
				fmt.Printf("[%2d/%d] %-14s %-28s run %d: %7.2f s wall %7.2f s CPU %6.0f MiB  (others: %.2f cores)\n",
					done, total, w.name, e.name, r+1, s.wall.Seconds(), s.cpu.Seconds(), float64(s.rss)/1024, s.others.Seconds()/s.wall.Seconds())
			}
		}
	}
	env := describeEnv(b.repo, runs, workloads)
	env.took = time.Since(started)
	fmt.Println()
	fmt.Print(textTable(workloads))
	fmt.Println()
	fmt.Println(env.text())
	if docsPath != "" {
		if err := writeDocs(docsPath, markdown(workloads, env)); err != nil {
			return err
		}
		fmt.Printf("wrote the table to %s\n", docsPath)
	}
	return nil
}

// once runs e on w one time into a scratch folder, checks what it says it
// read, and removes the output.
func (b *bench) once(w *workload, e *engine, srv *jobServer) (sample, error) {
	out := filepath.Join(b.cache, "out", e.key)
	if err := os.RemoveAll(out); err != nil {
		return sample{}, err
	}
	var s *jobServer
	if e.jobServer {
		s = srv
	}
	res, stdout, err := measure(e.argv(w, out), b.repo, filepath.Join(b.cache, "logs", w.analysis+"-"+e.key), s)
	if err != nil {
		return res, err
	}
	if err := checkRead(e, w, string(stdout)); err != nil {
		return res, err
	}
	if err := os.RemoveAll(out); err != nil {
		return res, err
	}
	syscall.Sync() // the deleted output's writeback is not the next run's
	return res, nil
}

var (
	readLine   = regexp.MustCompile(`(\w+): read (\d+), clean (\d+), rejected (\d+)`)
	duckdbLine = regexp.MustCompile(`read (.*); wrote \d+ datasets .*\(DuckDB (v[^,]+),`)
	plainLine  = regexp.MustCompile(`plain sales: read (\d+);`)
)

// checkRead checks an engine's summary: every row read, none rejected.
func checkRead(e *engine, w *workload, out string) error {
	want := map[string]int64{"sales": w.data.sales, "employees": w.data.employees}
	if w.data.employees == 0 {
		want["employees"] = w.data.sales / 10
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%s on %s: %s; it printed:\n%s", e.name, w.name, fmt.Sprintf(format, a...), out)
	}
	switch e.key {
	case "duckdb":
		m := duckdbLine.FindStringSubmatch(out)
		if m == nil {
			return fail("no summary")
		}
		w.duckdb = m[2]
		for _, part := range strings.Split(m[1], ", ") {
			var n int64
			var what string
			fmt.Sscanf(part, "%d %s", &n, &what)
			if n != want[what] {
				return fail("read %d %s, want %d", n, what, want[what])
			}
		}
	case "plain":
		m := plainLine.FindStringSubmatch(out)
		if m == nil || m[1] != itoa(w.data.sales) {
			return fail("did not read %d rows", w.data.sales)
		}
	default:
		lines := readLine.FindAllStringSubmatch(out, -1)
		if len(lines) == 0 {
			return fail("no read summary")
		}
		for _, m := range lines {
			if m[2] != itoa(want[m[1]]) || m[3] != m[2] || m[4] != "0" {
				return fail("read %s %s, clean %s, rejected %s; want all %d clean", m[2], m[1], m[3], m[4], want[m[1]])
			}
		}
	}
	return nil
}

// warm reads a dataset's files once, untimed, so that every engine finds
// them in the page cache.
func warm(dir string) {
	for _, f := range []string{"sales_data.csv", "sample_data.csv"} {
		if fh, err := os.Open(filepath.Join(dir, f)); err == nil {
			r := bufio.NewReaderSize(fh, 1<<20)
			buf := make([]byte, 1<<20)
			for {
				if _, err := r.Read(buf); err != nil {
					break
				}
			}
			fh.Close()
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// short writes a row count as 50k, 1M, 10M.
func short(n int64) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return itoa(n/1_000_000) + "M"
	case n >= 1000 && n%1000 == 0:
		return itoa(n/1000) + "k"
	}
	return itoa(n)
}

// environment describes the machine and the code measured.
type environment struct {
	date, commit, cpu, goVersion, duckdb string
	cores                                int
	memGiB                               float64
	runs                                 int
	took                                 time.Duration
	busyRuns, allRuns                    int     // runs during which other work used the machine
	maxOthers                            float64 // the most cores other work used during a run
}

func describeEnv(repo string, runs int, workloads []*workload) environment {
	env := environment{date: time.Now().UTC().Format("2006-01-02 15:04 UTC"), cores: runtime.NumCPU(), runs: runs, goVersion: runtime.Version()}
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		env.goVersion = strings.TrimSpace(string(out))
	}
	if out, err := gitOutput(repo, "rev-parse", "--short", "HEAD"); err == nil {
		env.commit = out
		if st, err := gitOutput(repo, "status", "--porcelain", "--untracked-files=no"); err == nil && st != "" {
			env.commit += " + uncommitted changes"
		}
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := regexp.MustCompile(`(?m)^model name\s*:\s*(.+)$`).FindSubmatch(b); m != nil {
			env.cpu = strings.TrimSpace(string(m[1]))
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if m := regexp.MustCompile(`(?m)^MemTotal:\s*(\d+) kB`).FindSubmatch(b); m != nil {
			kb, _ := strconv.ParseFloat(string(m[1]), 64)
			env.memGiB = kb / (1 << 20)
		}
	}
	for _, w := range workloads {
		if w.duckdb != "" {
			env.duckdb = w.duckdb
		}
		for _, samples := range w.results {
			for _, s := range samples {
				env.allRuns++
				others := s.others.Seconds() / s.wall.Seconds()
				env.maxOthers = max(env.maxOthers, others)
				if others > busyThreshold {
					env.busyRuns++
				}
			}
		}
	}
	return env
}

func gitOutput(repo string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = repo
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}
