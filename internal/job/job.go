// Package job is what every pipeline's main shares: the common flags, the
// checks before a run, reading validated inputs (with their rejects and
// counts), writing datasets through the results sink, and running and
// committing the pipeline with the same summary and exit codes everywhere.
package job

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/internal/fsys"
	"github.com/beamline/beamline/internal/hdfs" // hdfs:// inputs and outputs
	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/progress"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/internal/results"
	"github.com/beamline/beamline/runners"
	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/csvio"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
)

func init() {
	register.Function1x1(countsEntry)
	register.DoFn2x0[string, func(results.Entry)](&paramFn{})
}

// Exit codes shared by every beamline command.
const (
	ExitOK     = 0
	ExitFailed = 1 // the run failed: bad input data, a pipeline error
	ExitUsage  = 2 // the command line is wrong
)

// Input names a CSV input a pipeline reads.
type Input string

// The inputs, named like their rejects folders.
const (
	Employees Input = "employees" // sample_data.csv
	Sales     Input = "sales"     // sales_data.csv
)

func (in Input) file() string {
	if in == Employees {
		return "sample_data.csv"
	}
	return "sales_data.csv"
}

func (in Input) columns() []string {
	if in == Employees {
		return records.EmployeeColumns
	}
	return records.SaleColumns
}

// Flags are the flags every pipeline shares.
type Flags struct {
	Pipeline    string
	Description string
	Reads       []Input
	// WorkingSet is the pipeline's default soft heap limit (see tuneGC).
	WorkingSet int64

	Input     *string
	Output    *string
	Sales     *string
	Employees *string
	BlockSize *int64
	Verbose   *bool
	CPUProf   *string
	MemProf   *string
	MemLimit  *string
	MongoURI  *string
	AsOf      *string // set by WithAsOf
	From      *string // set by WithFrom
	Docs      *string // set by WithDocs
}

// WithFrom adds --from, the raw files ingest loads; --input then becomes the
// required destination of the clean files.
func (f *Flags) WithFrom() *Flags {
	f.From = flag.String("from", "", "directory (or hdfs:// URL) holding the raw sample_data.csv and/or sales_data.csv to load (required)")
	return f
}

// WithDocs adds --docs, the Extended-JSON documents ingest loads into
// MongoDB.
func (f *Flags) WithDocs() *Flags {
	f.Docs = flag.String("docs", "", "directory (or hdfs:// URL) of Extended-JSON documents to load into MongoDB: sales*.json and customers*.json (e.g. data/mongo); needs --mongo-uri")
	return f
}

// WithWorkingSet sets the pipeline's default soft heap limit.
func (f *Flags) WithWorkingSet(bytes int64) *Flags {
	f.WorkingSet = bytes
	return f
}

// WithAsOf adds --as-of, for pipelines whose results depend on "today".
func (f *Flags) WithAsOf() *Flags {
	f.AsOf = flag.String("as-of", "", "the date the analyses take as today, yyyy-MM-dd (default: the day after the latest sale_date in the input)")
	return f
}

// RegisterFlags defines the shared flags for pipeline, which reads the given
// inputs, and a --help that lists them. Call it before beam.Init.
func RegisterFlags(pipeline, description string, reads ...Input) *Flags {
	f := &Flags{Pipeline: pipeline, Description: description, Reads: reads, WorkingSet: 1 << 30}
	f.Input = flag.String("input", "data/input", "input root: a directory (or hdfs:// URL) holding sample_data.csv and sales_data.csv")
	f.Output = flag.String("output", "data/output", "results root: datasets go to <output>/pig, <output>/spark and <output>/rejects")
	f.Sales = flag.String("sales", "", "sales file or glob (default <input>/sales_data.csv)")
	f.Employees = flag.String("employees", "", "employees file or glob (default <input>/sample_data.csv)")
	f.BlockSize = flag.Int64("block_size", csvio.DefaultBlockSize, "bytes per input block (the unit of parallel parsing)")
	f.Verbose = flag.Bool("verbose", false, "log the runner's progress (Beam and prism INFO logs)")
	f.CPUProf = flag.String("cpuprofile", "", "write a CPU profile of the run to this file (in-process runners)")
	f.MemProf = flag.String("memprofile", "", "write a heap profile at the end of the run to this file")
	f.MemLimit = flag.String("memory_limit", "", "soft limit of the Go heap, e.g. 1GiB or 512MiB (default: the pipeline's working set; GOMEMLIMIT wins)")
	f.MongoURI = flag.String("mongo-uri", "", "MongoDB to record the run in and publish its results to, mongodb://host:port[/database] (default $"+mongostore.EnvURI+"; none: results are only written to --output)")
	flag.Usage = f.usage
	return f
}

// ours lists the flags beamline defines, for --help; everything else is
// Beam's.
var ours = map[string]bool{"input": true, "output": true, "sales": true, "employees": true, "block_size": true,
	"verbose": true, "cpuprofile": true, "memprofile": true, "memory_limit": true, "runner": true, "endpoint": true, "environment_type": true, "environment_config": true,
	"as_of": true, "as-of": true, "from": true, "job_name": true, "mongo-uri": true, "docs": true}

func (f *Flags) usage() {
	w := flag.CommandLine.Output()
	fmt.Fprintf(w, "%s — %s\n\nUsage: go run ./pipelines/%s [flags]\n\nFlags:\n", f.Pipeline, f.Description, f.Pipeline)
	flag.VisitAll(func(fl *flag.Flag) {
		if !ours[fl.Name] {
			return
		}
		def := ""
		if fl.DefValue != "" && fl.DefValue != "false" {
			def = fmt.Sprintf(" (default %q)", fl.DefValue)
		}
		usage := fl.Usage
		if h := runners.Help(fl.Name); h != "" {
			usage = h
		}
		fmt.Fprintf(w, "  --%s\n\t%s%s\n", fl.Name, usage, def)
	})
	fmt.Fprintf(w, "\nBeam's own pipeline options (--job_name, --parallelism, …) are accepted too.\n"+
		"Exit status: 0 success, 1 the run failed, 2 bad usage.\n")
}

// Run is one run of a pipeline: where it reads and writes, and what it has
// declared so far.
type Run struct {
	ID       string
	Pipeline string
	Runner   string
	Target   results.Target
	Log      *slog.Logger

	flags   *Flags
	files   map[Input]string
	docs    map[string][]string // collection → Extended-JSON files
	sinks   []*sink             // the output root first
	asOf    calendar.Date
	started time.Time
	stdout  io.Writer
	mongo   *mongostore.Store  // nil: the run is not recorded or published
	report  *progress.Reporter // nil unless started by `beamline`
}

// sink is what a run writes under one root.
type sink struct {
	target  results.Target
	outputs []results.Output
	entries []beam.PCollection
}

// sink returns the run's sink for root, adding it on first use.
func (r *Run) sink(root string) *sink {
	for _, k := range r.sinks {
		if k.target.Root == root {
			return k
		}
	}
	k := &sink{target: results.Target{Root: root, Run: r.ID}}
	r.sinks = append(r.sinks, k)
	return k
}

// Start checks the flags and inputs after beam.Init and prepares a run; it
// exits with ExitUsage or ExitFailed and a clear message when it cannot.
// It also repairs any commit a crashed run left half done in the output.
func Start(f *Flags) *Run {
	log := newLogger(*f.Verbose)
	r, code, err := start(context.Background(), f, log)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", f.Pipeline, err)
		os.Exit(code)
	}
	return r
}

func start(ctx context.Context, f *Flags, log *slog.Logger) (*Run, int, error) {
	if flag.NArg() > 0 {
		return nil, ExitUsage, fmt.Errorf("unexpected arguments %q (see --help)", flag.Args())
	}
	choice, err := runners.Setup(log)
	if err != nil {
		return nil, ExitUsage, err
	}
	runner := choice.Runner
	if *f.Output == "" {
		return nil, ExitUsage, errors.New("--output is empty")
	}
	if err := tuneGC(*f.MemLimit, f.WorkingSet); err != nil {
		return nil, ExitUsage, err
	}
	var asOf calendar.Date
	if f.AsOf != nil && *f.AsOf != "" {
		if asOf, err = calendar.Parse(*f.AsOf); err != nil || len(*f.AsOf) != 10 || (*f.AsOf)[4] != '-' {
			return nil, ExitUsage, fmt.Errorf("--as-of %q is not a date (want yyyy-MM-dd)", *f.AsOf)
		}
	}
	r := &Run{
		ID: runners.NewRunID(f.Pipeline), Pipeline: f.Pipeline, Runner: runner, Log: log, asOf: asOf,
		flags: f, files: map[Input]string{}, started: time.Now(), stdout: os.Stdout,
	}
	r.Target = r.sink(*f.Output).target
	if f.From != nil {
		if err := r.resolveFrom(ctx, f); err != nil {
			return nil, ExitUsage, err
		}
	}
	for _, in := range f.Reads {
		if f.From != nil && r.files[in] == "" {
			continue // not in --from: ingest loads what is there
		}
		glob, code, err := checkInput(ctx, f, in)
		if err != nil {
			return nil, code, err
		}
		r.files[in] = glob
	}
	roots := []string{*f.Output}
	if f.From != nil {
		roots = append(roots, *f.Input) // ingest commits there too
	}
	for _, root := range roots {
		repaired, err := results.Recover(ctx, root)
		if err != nil {
			return nil, ExitFailed, fmt.Errorf("repairing %s: %w", root, err)
		}
		for _, id := range repaired {
			log.Warn("finished the commit of an interrupted run", "run", id, "root", root)
		}
	}
	if err := r.record(ctx, mongostore.URI(*f.MongoURI)); err != nil {
		return nil, ExitFailed, err
	}
	if f.Docs != nil && *f.Docs != "" {
		if r.mongo == nil {
			return nil, ExitUsage, fmt.Errorf("--docs loads documents into MongoDB: give --mongo-uri or set %s", mongostore.EnvURI)
		}
		if err := r.resolveDocs(ctx, *f.Docs); err != nil {
			return nil, ExitUsage, err
		}
	}
	return r, ExitOK, nil
}

// record connects to MongoDB when a URI is given and records the run there.
func (r *Run) record(ctx context.Context, uri string) error {
	if uri == "" {
		return nil
	}
	s, err := mongostore.Shared(ctx, uri)
	if err != nil {
		return err
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		return err
	}
	input := *r.flags.Input
	if r.flags.From != nil {
		input = *r.flags.From
	}
	err = publish.Begin(ctx, s, publish.Run{
		ID: r.ID, Pipeline: r.Pipeline, Runner: r.Runner, Input: input, Output: *r.flags.Output, Started: r.started.UTC(),
	})
	if err != nil {
		return err
	}
	r.mongo = s
	return nil
}

// DocCollections are the collections --docs loads, in load order.
var DocCollections = []string{mongostore.Sales, mongostore.Customers}

// resolveDocs finds the documents of each collection in dir:
// <collection>*.json.
func (r *Run) resolveDocs(ctx context.Context, dir string) error {
	fs, err := fsys.For(ctx, dir)
	if err != nil {
		return err
	}
	r.docs = map[string][]string{}
	n := 0
	for _, c := range DocCollections {
		files, err := fs.Glob(ctx, fsys.Join(dir, c+"*.json"))
		if err != nil {
			return fmt.Errorf("--docs %s: %w", dir, err)
		}
		r.docs[c] = files
		n += len(files)
	}
	if n == 0 {
		return fmt.Errorf("--docs %s holds no sales*.json or customers*.json", dir)
	}
	return nil
}

// Docs returns the Extended-JSON files --docs gives for a collection.
func (r *Run) Docs(collection string) []string { return r.docs[collection] }

// fail records a failed run in MongoDB, if the run is recorded there.
func (r *Run) fail(ctx context.Context, cause error) {
	r.report.End(progress.Failed, cause)
	if r.mongo == nil {
		return
	}
	if err := publish.Fail(ctx, r.mongo, r.ID, cause); err != nil {
		r.Log.Warn("could not record the failed run in MongoDB", "run", r.ID, "error", err)
	}
}

// resolveFrom checks ingest's --from and --input and picks the raw files
// present in --from.
func (r *Run) resolveFrom(ctx context.Context, f *Flags) error {
	if *f.From == "" {
		return errors.New("--from is required: the directory holding the raw sample_data.csv and/or sales_data.csv")
	}
	inputSet := false
	flag.Visit(func(fl *flag.Flag) { inputSet = inputSet || fl.Name == "input" })
	if !inputSet || *f.Input == "" {
		return errors.New("--input is required: the directory (or hdfs:// URL) the clean files are written to")
	}
	if samePath(*f.From, *f.Input) {
		return fmt.Errorf("--input %s is the --from directory: ingest would overwrite its own raw files", *f.Input)
	}
	fs, err := fsys.For(ctx, *f.From)
	if err != nil {
		return err
	}
	for _, in := range f.Reads {
		name := fsys.Join(*f.From, in.file())
		if ok, err := fsys.Exists(ctx, fs, name); err != nil {
			return fmt.Errorf("--from: %w", err)
		} else if ok {
			r.files[in] = name
		}
	}
	if len(r.files) == 0 {
		return fmt.Errorf("--from %s holds neither sample_data.csv nor sales_data.csv", *f.From)
	}
	return nil
}

func samePath(a, b string) bool {
	if fsys.Scheme(a) != "" || fsys.Scheme(b) != "" {
		return strings.TrimRight(a, "/") == strings.TrimRight(b, "/")
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// Has reports whether the run reads an input (ingest loads only the raw
// files present).
func (r *Run) Has(in Input) bool { return r.files[in] != "" }

// InputRoot is the --input root.
func (r *Run) InputRoot() string { return *r.flags.Input }

// checkInput resolves an input's glob and checks every file it names before
// anything runs: present, a file, with the required columns and data.
func checkInput(ctx context.Context, f *Flags, in Input) (string, int, error) {
	glob := *f.Sales
	flagName := "--sales"
	if in == Employees {
		glob, flagName = *f.Employees, "--employees"
	}
	if f.From != nil {
		glob = fsys.Join(*f.From, in.file())
	}
	if glob == "" {
		if *f.Input == "" {
			return "", ExitUsage, fmt.Errorf("--input is empty and %s is not set", flagName)
		}
		glob = fsys.Join(*f.Input, in.file())
	}
	files, err := csvio.Match(ctx, glob)
	var unreachable *hdfs.Error
	if errors.As(err, &unreachable) && !fsys.IsNotExist(err) {
		// the store failed (a namenode down), not the command line
		return "", ExitFailed, fmt.Errorf("%s input: %w", in, err)
	}
	if err != nil {
		return "", ExitUsage, fmt.Errorf("%s input: %w (set --input or %s)", in, err, flagName)
	}
	for _, file := range files {
		fs, err := fsys.For(ctx, file)
		if err != nil {
			return "", ExitUsage, err
		}
		if info, err := fs.Stat(ctx, file); err == nil && info.IsDir {
			return "", ExitUsage, fmt.Errorf("%s input %s is a directory; expected a CSV file or a glob of them", in, file)
		}
		if err := csvio.CheckFile(ctx, file, in.columns()); err != nil {
			return "", ExitFailed, err
		}
	}
	return glob, ExitOK, nil
}

// AsOf returns the --as-of date and whether it was given.
func (r *Run) AsOf() (calendar.Date, bool) { return r.asOf, r.asOf != 0 }

// File returns the glob the run reads for an input.
func (r *Run) File(in Input) string { return r.files[in] }

// ReadSales reads the sales input: PCollection<records.SaleBlock>. Rejected
// rows go to <output>/rejects/<pipeline>/sales.
func (r *Run) ReadSales(s beam.Scope) beam.PCollection {
	clean, rejects := r.Read(s, Sales)
	r.WriteRejects(s, Sales, rejects)
	return clean
}

// ReadEmployees reads the employees input: PCollection<records.EmployeeBlock>.
// Rejected rows go to <output>/rejects/<pipeline>/employees.
func (r *Run) ReadEmployees(s beam.Scope) beam.PCollection {
	clean, rejects := r.Read(s, Employees)
	r.WriteRejects(s, Employees, rejects)
	return clean
}

// Read reads an input and returns its clean blocks and its
// PCollection<csvio.RejectBlock>, for a pipeline that rejects more rows
// itself before calling WriteRejects once.
func (r *Run) Read(s beam.Scope, in Input) (clean, rejects beam.PCollection) {
	if in == Employees {
		return csvio.ReadEmployees(s, r.mustFile(Employees), *r.flags.BlockSize)
	}
	return csvio.ReadSales(s, r.mustFile(Sales), *r.flags.BlockSize)
}

func (r *Run) mustFile(in Input) string {
	f, ok := r.files[in]
	if !ok {
		panic(fmt.Sprintf("pipeline %s reads %s but did not declare it in RegisterFlags", r.Pipeline, in))
	}
	return f
}

// WriteRejects writes an input's rejects (any number of
// PCollection<csvio.RejectBlock>) and records its counts. Call it once per
// input.
func (r *Run) WriteRejects(s beam.Scope, in Input, blocks ...beam.PCollection) {
	chunks, counts := csvio.Rejects(s, string(in), beam.Flatten(s, blocks...))
	r.Write(s, table.RejectsDataset(r.Pipeline, string(in)), chunks)
	main := r.sinks[0]
	main.entries = append(main.entries, beam.ParDo(s, countsEntry, counts))
}

func countsEntry(c csvio.Counts) results.Entry {
	return results.Entry{Counts: &results.InputCounts{Input: c.Input, Read: c.Read, Clean: c.Clean, Rejected: c.Rejected}}
}

// Write writes a dataset (PCollection<table.Chunk>) under the output root.
func (r *Run) Write(s beam.Scope, ds table.Dataset, chunks beam.PCollection) {
	r.WriteTo(s, *r.flags.Output, results.Output{Dataset: ds, Pipeline: r.Pipeline}, chunks)
}

// WriteTo writes an output under another root than the output root, e.g.
// ingest's clean files into the input root. Every root is committed when
// the run succeeds.
func (r *Run) WriteTo(s beam.Scope, root string, o results.Output, chunks beam.PCollection) {
	k := r.sink(root)
	k.outputs = append(k.outputs, o)
	k.entries = append(k.entries, results.Write(s, k.target, o.Dataset, chunks))
}

// Param records a value the results depend on (PCollection<string> of one
// element), e.g. the as-of date, in the run's manifest and metadata.
func (r *Run) Param(s beam.Scope, key string, value beam.PCollection) {
	main := r.sinks[0]
	main.entries = append(main.entries, beam.ParDo(s, &paramFn{Key: key}, value))
}

type paramFn struct{ Key string }

func (f *paramFn) ProcessElement(v string, emit func(results.Entry)) {
	emit(results.Entry{Param: &results.Param{Key: f.Key, Value: v}})
}

// Execute runs the pipeline, commits its results and prints the summary,
// then exits: ExitOK on success, ExitFailed if the run failed (the previous
// results are left in place).
func (r *Run) Execute(p *beam.Pipeline, s beam.Scope) {
	os.Exit(r.execute(context.Background(), p, s))
}

func (r *Run) execute(ctx context.Context, p *beam.Pipeline, s beam.Scope) int {
	for _, k := range r.sinks {
		results.Finish(s, k.target, k.entries...)
	}
	r.Log.Info("running", "pipeline", r.Pipeline, "runner", r.Runner, "run", r.ID)
	stop, err := profile(*r.flags.CPUProf, *r.flags.MemProf)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", r.Pipeline, err)
		return ExitUsage
	}
	r.report = progress.FromEnv(r.Pipeline, r.ID)
	r.report.Stage(progress.Running)
	_, err = runners.Run(ctx, p)
	stop()
	if err != nil {
		for _, k := range r.sinks {
			if aerr := results.Abort(ctx, k.target); aerr != nil {
				r.Log.Warn("could not remove the failed run's staging folder", "error", aerr)
			}
		}
		msg := runners.Cause(err)
		if *r.flags.Verbose {
			msg = err.Error()
		}
		fmt.Fprintf(os.Stderr, "%s: run %s failed: %s\nThe previous results are unchanged. (--verbose shows the runner's full report.)\n", r.Pipeline, r.ID, msg)
		r.fail(ctx, errors.New(runners.Cause(err)))
		return ExitFailed
	}
	r.report.Stage(progress.Committing)
	var main *results.Manifest
	for i := len(r.sinks) - 1; i >= 0; i-- { // the output root last
		k := r.sinks[i]
		m, err := results.Commit(ctx, k.target, k.outputs)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: run %s: commit to %s failed: %v\n", r.Pipeline, r.ID, k.target.Root, err)
			r.fail(ctx, fmt.Errorf("commit to %s: %w", k.target.Root, err))
			return ExitFailed
		}
		main = m
	}
	r.summary(main)
	if r.mongo != nil {
		r.report.Stage(progress.Publishing)
		start := time.Now()
		var counts []publish.Counts
		for _, c := range main.Inputs {
			counts = append(counts, publish.Counts{Input: c.Input, Read: c.Read, Clean: c.Clean, Rejected: c.Rejected})
		}
		if err := publish.Publish(ctx, r.mongo, r.ID, *r.flags.Output, counts); err != nil {
			fmt.Fprintf(os.Stderr, "%s: run %s: the results are in %s but publishing them to MongoDB failed: %v\n",
				r.Pipeline, r.ID, *r.flags.Output, err)
			r.report.End(progress.Failed, fmt.Errorf("publishing: %w", err))
			return ExitFailed
		}
		fmt.Fprintf(r.stdout, "published run %s to MongoDB %s (%s.results) in %s\n", r.ID, r.mongo.URI(), r.mongo.DB.Name(),
			time.Since(start).Round(time.Millisecond))
	}
	r.report.End(progress.Done, nil)
	return ExitOK
}

// summary prints, per input, "read N, clean C, rejected R" and where the
// results are.
func (r *Run) summary(m *results.Manifest) {
	w := r.stdout
	for _, c := range m.Inputs {
		fmt.Fprintf(w, "%s: read %d, clean %d, rejected %d", c.Input, c.Read, c.Clean, c.Rejected)
		if c.Rejected > 0 {
			fmt.Fprintf(w, " (see %s)", fsys.Join(*r.flags.Output, table.RejectsDataset(r.Pipeline, c.Input).Path()))
		}
		fmt.Fprintln(w)
	}
	if v := m.Param("as_of"); v != "" {
		fmt.Fprintf(w, "as-of date: %s\n", v)
	}
	dirs := map[string]int{}
	for _, k := range r.sinks {
		for _, o := range k.outputs {
			switch {
			case o.File != "":
				fmt.Fprintf(w, "wrote %s\n", fsys.Join(k.target.Root, o.File))
			case o.Dataset.Family != table.Rejects:
				dirs[fsys.Join(k.target.Root, o.Dataset.Family)]++
			}
		}
	}
	var keys []string
	for d := range dirs {
		keys = append(keys, d)
	}
	sort.Strings(keys)
	for _, d := range keys {
		fmt.Fprintf(w, "wrote %d datasets to %s\n", dirs[d], d)
	}
	fmt.Fprintf(w, "run %s finished in %s on %s\n", r.ID, time.Since(r.started).Round(time.Millisecond), r.Runner)
}

// newLogger returns beamline's logger. The runner's own logs (prism logs
// through slog's default logger, with whole stack traces on failures) are
// shown only when verbose: a failure is reported once, by its cause.
func newLogger(verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
		if os.Getenv("BEAMLINE_DEBUG") != "" {
			level = slog.LevelDebug
		}
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
	} else {
		slog.SetDefault(slog.New(slog.DiscardHandler))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// profile starts the CPU profile and returns what stops it and writes the
// heap profile.
func profile(cpu, mem string) (stop func(), err error) {
	var cpuFile *os.File
	if cpu != "" {
		if cpuFile, err = os.Create(cpu); err != nil {
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpuFile); err != nil {
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem != "" {
			if f, err := os.Create(mem); err == nil {
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}, nil
}

// tuneGC sets the garbage collector for a batch run, unless the user did
// (GOGC, GOMEMLIMIT): a run holds a working set that is known up front and
// then mostly allocates short-lived blocks, so collecting at 200% growth
// with a soft limit at the working set spends less time in the collector
// than Go's defaults while keeping memory bounded.
func tuneGC(limit string, workingSet int64) error {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if limit != "" {
		n, err := parseBytes(limit)
		if err != nil {
			return fmt.Errorf("--memory_limit %q: %w", limit, err)
		}
		debug.SetMemoryLimit(n)
		return nil
	}
	if os.Getenv("GOMEMLIMIT") == "" && workingSet > 0 {
		debug.SetMemoryLimit(workingSet)
	}
	return nil
}

// parseBytes reads a size like 512MiB, 2GiB, 1500MB or a plain number of
// bytes.
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, errors.New("want a size such as 512MiB or 2GiB")
	}
	return n * mult, nil
}

// MongoURI is the MongoDB the run records itself in and publishes to, or ""
// when none was given.
func (r *Run) MongoURI() string {
	if r.mongo == nil {
		return ""
	}
	return mongostore.URI(*r.flags.MongoURI)
}

// RequireMongo exits with a usage error unless a MongoDB URI was given: for
// pipelines that read or load MongoDB collections.
func (r *Run) RequireMongo(why string) string {
	if r.mongo == nil {
		fmt.Fprintf(os.Stderr, "%s: %s: give --mongo-uri or set %s\n", r.Pipeline, why, mongostore.EnvURI)
		os.Exit(ExitUsage)
	}
	return r.MongoURI()
}
