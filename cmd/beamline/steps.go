package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/beamline/beamline/internal/hdfs"
	"github.com/beamline/beamline/internal/launch"
	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/probe"
	"github.com/beamline/beamline/runners"
)

// hdfsDirs are the original's HDFS directories (spec §3, init-hadoop.sh and
// init-spark.sh) and their permissions.
var hdfsDirs = []struct {
	path string
	perm os.FileMode
}{
	{"/user", 0o755}, {"/user/hadoop", 0o755}, {"/user/root", 0o755}, {"/user/spark", 0o755},
	{"/data", 0o777}, {"/data/input", 0o777}, {"/data/output", 0o777}, {"/data/output/pig", 0o777},
	{"/data/output/spark", 0o777}, {"/data/output/rejects", 0o777},
	{"/spark-logs", 0o777}, {"/spark-checkpoints", 0o777}, {"/spark-warehouse", 0o777}, {"/tmp", 0o777},
}

// runInit prepares the stores: HDFS's directories, MongoDB's collections and
// indexes, or the working directory's roots when no HDFS is configured.
// Running it again changes nothing.
func runInit(ctx context.Context, e *env, args []string) error {
	var s settings
	fs := e.flagSet("init", "[flags]", "create the HDFS directories and the MongoDB collections and indexes", &s)
	storeFlags(fs, &s)
	if err := e.parse(fs, args, &s, false); err != nil {
		return err
	}
	if s.hdfs != "" {
		nn, err := hdfs.Resolve(ctx, s.hdfs)
		if err != nil {
			return err
		}
		for _, d := range hdfsDirs {
			if err := nn.Client.MkdirAll(d.path, d.perm); err != nil {
				return fmt.Errorf("%s%s: mkdir: %w", s.hdfs, d.path, err)
			}
			if err := nn.Client.Chmod(d.path, d.perm); err != nil {
				return fmt.Errorf("%s%s: chmod %o: %w", s.hdfs, d.path, d.perm, err)
			}
		}
		e.log.Info("HDFS directories ready", "namenode", s.hdfs, "dirs", len(hdfsDirs))
		fmt.Fprintf(e.stdout, "HDFS %s: %d directories ready (/data/input, /data/output/{pig,spark,rejects}, …)\n", s.hdfs, len(hdfsDirs))
	} else {
		for _, d := range []string{s.inputRoot(), s.outputRoot()} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stdout, "no HDFS configured (--hdfs, $%s): local roots %s and %s ready\n", envHDFS, s.inputRoot(), s.outputRoot())
	}
	if s.mongoURI == "" {
		fmt.Fprintf(e.stdout, "no MongoDB configured (--mongo-uri, $%s): skipped\n", mongostore.EnvURI)
		return nil
	}
	store, err := mongostore.Connect(ctx, s.mongoURI)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.EnsureIndexes(ctx); err != nil {
		return err
	}
	e.log.Info("MongoDB collections and indexes ready", "uri", store.URI(), "database", store.DB.Name())
	fmt.Fprintf(e.stdout, "MongoDB %s: collections %s and their indexes ready\n", store.URI(),
		strings.Join([]string{mongostore.Sales, mongostore.Customers, mongostore.Products, mongostore.Results, mongostore.Runs}, ", "))
	return nil
}

// runLoad ingests the local raw files into the input root (validated,
// de-duplicated; bad rows to rejects) and, with a MongoDB, the seed
// documents into its collections: what load-data.sh did with hdfs -put and
// mongosh.
func runLoad(ctx context.Context, e *env, args []string) error {
	var s settings
	fs := e.flagSet("load", "[flags]", "ingest local CSV and JSON files into the input root and MongoDB", &s)
	storeFlags(fs, &s)
	from := fs.String("from", "data/input", "directory of the raw CSV files")
	docs := fs.String("docs", "data/mongo", "directory of the Extended-JSON seed documents (loaded when a MongoDB is configured; \"\" skips)")
	input := fs.String("input", "", "input root to load into (default <hdfs>/data/input, else <workdir>/input)")
	output := fs.String("output", "", "results root, for the rejects (default <hdfs>/data/output, else <workdir>/output)")
	if err := e.parse(fs, args, &s, false); err != nil {
		return err
	}
	in, out := orDefault(*input, s.inputRoot()), orDefault(*output, s.outputRoot())
	bins, err := launch.Locate(ctx, filepath.Join(s.workdir, "bin"), e.log)
	if err != nil {
		return err
	}
	a := []string{"--from", *from, "--input", in, "--output", out}
	if s.mongoURI != "" {
		a = append(a, "--mongo-uri", s.mongoURI)
		if *docs != "" {
			a = append(a, "--docs", *docs)
		}
	} else if *docs != "" {
		fmt.Fprintf(e.stdout, "no MongoDB configured (--mongo-uri, $%s): the documents in %s are not loaded\n", mongostore.EnvURI, *docs)
	}
	res := e.runPipeline(ctx, bins, "ingest", a)
	return resultErr(res)
}

func orDefault(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// resultErr turns a failed pipeline into the command's error: a usage
// error when the pipeline refused its command line.
func resultErr(res launch.Result) error {
	if res.Err == nil {
		return nil
	}
	if res.Code == exitUsage {
		return usageError{fmt.Sprintf("%s: %s", res.Pipeline, firstLine(res.Err.Error()))}
	}
	return fmt.Errorf("%s failed: %s", res.Pipeline, firstLine(res.Err.Error()))
}

// runRun runs one pipeline, or every analysis, with the pipelines' own flags
// passed through (--runner, --endpoint, --as-of …). Inputs and outputs
// default to HDFS when a namenode is configured, the runner to
// $BEAMLINE_RUNNER and a portable runner's endpoint to $BEAMLINE_JOB_ENDPOINT.
func runRun(ctx context.Context, e *env, args []string) error {
	var s settings
	fs := e.flagSet("run", "<"+strings.Join(launch.Pipelines, "|")+"|all> [pipeline flags]",
		"run a pipeline (or all analyses: employees, sales, advanced, mongo) on the chosen runner", &s)
	storeFlags(fs, &s)
	fs.Usage = func(old func()) func() {
		return func() {
			old()
			fmt.Fprintf(fs.Output(), "\nFlags after the pipeline's name go to the pipeline (`beamline run sales --help` lists them):\n"+
				"  --runner prism|direct|universal|portable|flink|spark, --endpoint, --environment_type, --environment_config, --input, --output, --as-of, …\n")
		}
	}(fs.Usage)
	if err := e.parse(fs, args, &s, true); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("name a pipeline (%s) or all", strings.Join(launch.Pipelines, ", "))
	}
	name, pass := fs.Arg(0), fs.Args()[1:]
	var names []string
	switch {
	case name == "all":
		names = launch.Analyses
	case launch.Known(name):
		names = []string{name}
	default:
		return usagef("unknown pipeline %q: want one of %s, or all", name, strings.Join(launch.Pipelines, ", "))
	}
	if len(pass) > 0 && (pass[0] == "--help" || pass[0] == "-h") && len(names) == 1 {
		bins, err := launch.Locate(ctx, filepath.Join(s.workdir, "bin"), e.log)
		if err != nil {
			return err
		}
		e.runPipelineRaw(ctx, bins, names[0], pass)
		return nil
	}
	extra := defaults(&s, pass, name == "ingest")
	bins, err := launch.Locate(ctx, filepath.Join(s.workdir, "bin"), e.log)
	if err != nil {
		return err
	}
	var failed []string
	for _, p := range names {
		if p == "mongo" && s.mongoURI == "" {
			if name == "all" {
				fmt.Fprintf(e.stdout, "  %-9s skipped: it reads MongoDB (--mongo-uri or $%s)\n", p, mongostore.EnvURI)
				continue
			}
		}
		res := e.runPipeline(ctx, bins, p, append(append([]string{}, extra...), pass...))
		if res.Err != nil {
			if len(names) == 1 {
				return resultErr(res)
			}
			failed = append(failed, p)
		}
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("failed: %s (see %s)", strings.Join(failed, ", "), s.logFile)
	}
	return nil
}

// defaults are the flags `beamline run` adds for what the user did not say:
// the roots, the MongoDB, the runner and its endpoint.
func defaults(s *settings, pass []string, ingest bool) []string {
	given := map[string]bool{}
	for _, a := range pass {
		if strings.HasPrefix(a, "-") {
			k, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
			given[k] = true
		}
	}
	var out []string
	if !given["input"] && !ingest {
		out = append(out, "--input", s.inputRoot())
	}
	if !given["output"] {
		out = append(out, "--output", s.outputRoot())
	}
	if !given["mongo-uri"] && s.mongoURI != "" {
		out = append(out, "--mongo-uri", s.mongoURI)
	}
	runner := os.Getenv(envRunner)
	if !given["runner"] && runner != "" {
		out = append(out, "--runner", runner)
	}
	if given["runner"] {
		for i, a := range pass {
			if a == "--runner" && i+1 < len(pass) {
				runner = pass[i+1]
			} else if v, ok := strings.CutPrefix(a, "--runner="); ok {
				runner = v
			}
		}
	}
	if !given["endpoint"] && s.jobEndpoint != "" && runners.NeedsEndpoint(runner) {
		out = append(out, "--endpoint", s.jobEndpoint)
	}
	return out
}

// runPipelineRaw runs a pipeline with the terminal attached (for --help).
func (e *env) runPipelineRaw(ctx context.Context, bins launch.Binaries, name string, args []string) {
	bins.Run(ctx, launch.Job{Pipeline: name, Args: args, Stdout: e.stdout, Stderr: e.stdout})
}

// runServe serves the API and the dashboard from a MongoDB.
func runServe(ctx context.Context, e *env, args []string) error {
	var s settings
	fs := e.flagSet("serve", "[flags]", "serve the API and the dashboard from the results published in MongoDB", &s)
	storeFlags(fs, &s)
	addrFlag(fs, &s)
	if err := e.parse(fs, args, &s, false); err != nil {
		return err
	}
	if s.mongoURI == "" {
		return usagef("serve reads the published results from MongoDB: give --mongo-uri or set %s (or use beamline up)", mongostore.EnvURI)
	}
	return serve(ctx, e, &s)
}

// runStatus prints the probes of /api/system/status; it fails when a
// configured service is not reachable.
func runStatus(ctx context.Context, e *env, args []string) error {
	var s settings
	fs := e.flagSet("status", "[flags]", "probe MongoDB, HDFS and the job service", &s)
	storeFlags(fs, &s)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	timeout := fs.Duration("timeout", probe.DefaultTimeout, "bound on each probe")
	if err := e.parse(fs, args, &s, false); err != nil {
		return err
	}
	rep := probe.Check(ctx, probe.Targets{Mongo: probe.MongoURI(s.mongoURI), HDFS: s.hdfs, JobEndpoint: s.jobEndpoint, Timeout: *timeout})
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "service\tstatus\tdetails")
		mongo := fmt.Sprintf("%s, ping %.1f ms, %d collections", mongostore.Redact(s.mongoURI), rep.MongoDB.LatencyMS, len(rep.MongoDB.Collections))
		fmt.Fprintf(tw, "mongodb\t%s\t%s\n", rep.MongoDB.Status, details(rep.MongoDB.Status, mongo, rep.MongoDB.Error))
		fmt.Fprintf(tw, "hadoop\t%s\t%s\n", rep.Hadoop.Status, details(rep.Hadoop.Status, infoText(rep.Hadoop.Info), rep.Hadoop.Error))
		fmt.Fprintf(tw, "spark\t%s\t%s\n", rep.Spark.Status, details(rep.Spark.Status, infoText(rep.Spark.Info), rep.Spark.Error))
		tw.Flush()
	}
	var down []string
	for name, st := range map[string]string{"mongodb": rep.MongoDB.Status, "hadoop": rep.Hadoop.Status, "spark": rep.Spark.Status} {
		if st == probe.Disconnected {
			down = append(down, name)
		}
	}
	if len(down) > 0 {
		return fmt.Errorf("not reachable: %s", strings.Join(down, ", "))
	}
	return nil
}

func details(status, ok, err string) string {
	switch status {
	case probe.Connected:
		return ok
	case probe.Disconnected:
		return err
	}
	return "set with --mongo-uri / --hdfs / --job-endpoint"
}

// infoText prints a probe's info object as key=value pairs.
func infoText(info any) string {
	b, err := json.Marshal(info)
	if err != nil {
		return ""
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return string(b)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		if _, nested := m[k].(map[string]any); nested {
			continue
		}
		if _, list := m[k].([]any); list {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s=%v", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// runPing exits 0 when the API's /healthz answers 200: the container
// healthcheck (the image has no curl).
func runPing(ctx context.Context, e *env, args []string) error {
	var s settings
	fs := e.flagSet("ping", "[flags]", "check that the API answers", &s)
	addrFlag(fs, &s)
	url := fs.String("url", "", "URL to check (default http://127.0.0.1:<port of --addr>/healthz)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	fs.Set("log-file", "") // a healthcheck every few seconds would flood the log
	if err := e.parse(fs, args, &s, false); err != nil {
		return err
	}
	if *url == "" {
		_, port, err := net.SplitHostPort(s.addr)
		if err != nil {
			return usagef("--addr %q: %v", s.addr, err)
		}
		*url = "http://127.0.0.1:" + port + "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usagef("--url %q: %v", *url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", *url, resp.Status)
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", *url, resp.Status)
	return nil
}
