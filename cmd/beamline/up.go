package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/beamline/beamline/internal/launch"
	"github.com/beamline/beamline/internal/mongoembed"
	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/server"
	"github.com/beamline/beamline/web"
)

// runUp is the main job on embedded defaults: nothing installed, nothing
// configured. It starts the embedded MongoDB (unless --mongo-uri or
// $MONGODB_URI names one), loads the seed documents, ingests the committed
// CSV files into <workdir>/input, runs every analysis on prism into
// <workdir>/output, publishes the results and serves the API and the
// dashboard until interrupted.
func runUp(ctx context.Context, e *env, args []string) error {
	var s settings
	fs := e.flagSet("up", "[flags]", "run the whole platform on this machine and serve the dashboard", &s)
	storeFlags(fs, &s)
	addrFlag(fs, &s)
	from := fs.String("from", "data/input", "the raw CSV files to ingest (sample_data.csv, sales_data.csv)")
	docs := fs.String("docs", "data/mongo", "the Extended-JSON seed documents to load into MongoDB")
	mongoAddr := fs.String("mongo-addr", "127.0.0.1:0", "listen address of the embedded MongoDB (port 0: a free port)")
	noServe := fs.Bool("no-serve", false, "stop after publishing instead of serving the dashboard")
	runner := fs.String("runner", "prism", "Beam runner for the pipelines: prism or direct (in-process)")
	if err := e.parse(fs, args, &s, false); err != nil {
		return err
	}
	if s.hdfs != "" {
		e.log.Info("inputs and results on HDFS", "namenode", s.hdfs)
	}
	for _, p := range []struct{ flag, path string }{{"--from", *from}, {"--docs", *docs}} {
		if fi, err := os.Stat(p.path); err != nil || !fi.IsDir() {
			return usagef("%s %q is not a directory (run beamline up from the repository root, or point %s at the files)", p.flag, p.path, p.flag)
		}
	}
	if err := os.MkdirAll(s.workdir, 0o755); err != nil {
		return err
	}
	started := time.Now()

	// MongoDB: the embedded one unless the user gave theirs.
	if s.mongoURI == "" {
		fmt.Fprintf(e.stdout, "▸ starting the embedded MongoDB (%s)\n", filepath.Join(s.workdir, "mongo"))
		m, err := mongoembed.Start(filepath.Join(s.workdir, "mongo"), *mongoAddr, e.embedded)
		if err != nil {
			return fmt.Errorf("embedded MongoDB: %w", err)
		}
		defer m.Close()
		s.mongoURI = m.URI()
	}
	e.log.Info("MongoDB", "uri", mongostore.Redact(s.mongoURI))

	bins, err := launch.Locate(ctx, filepath.Join(s.workdir, "bin"), e.log)
	if err != nil {
		return err
	}
	common := []string{"--mongo-uri", s.mongoURI, "--runner", *runner}
	var results []launch.Result
	fmt.Fprintf(e.stdout, "▸ ingesting %s and %s\n", *from, *docs)
	res := e.runPipeline(ctx, bins, "ingest", append([]string{"--from", *from, "--docs", *docs,
		"--input", s.inputRoot(), "--output", s.outputRoot()}, common...))
	results = append(results, res)
	if res.Err == nil {
		fmt.Fprintf(e.stdout, "▸ running the analyses on %s\n", *runner)
		for _, p := range launch.Analyses {
			if ctx.Err() != nil {
				break
			}
			results = append(results, e.runPipeline(ctx, bins, p, append([]string{"--input", s.inputRoot(), "--output", s.outputRoot()}, common...)))
		}
	}
	if ctx.Err() != nil {
		return errors.New("interrupted")
	}

	store, err := mongostore.Connect(ctx, s.mongoURI)
	if err != nil {
		return err
	}
	runs := map[string]publish.Run{}
	for _, r := range results {
		if r.Run != "" {
			if doc, err := publish.GetRun(ctx, store, r.Run); err == nil {
				runs[r.Run] = doc
			}
		}
	}
	store.Close()
	fmt.Fprintln(e.stdout)
	summaryTable(e.stdout, results, runs)
	fmt.Fprintf(e.stdout, "\nresults: %s (CSV) and MongoDB %s; rejects in %s/rejects; log: %s; %s in all\n",
		s.outputRoot(), mongostore.Redact(s.mongoURI), s.outputRoot(), s.logFile, time.Since(started).Round(time.Millisecond))
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	if failed > 0 {
		if !*noServe {
			fmt.Fprintf(e.stdout, "%d pipeline(s) failed; serving the results that were published\n", failed)
		}
	}
	if *noServe {
		if failed > 0 {
			return fmt.Errorf("%d pipeline(s) failed (see %s)", failed, s.logFile)
		}
		return nil
	}
	return serve(ctx, e, &s, "--runner", *runner)
}

// serve runs the API and the dashboard on s.addr until ctx ends. With
// $BEAMLINE_TOKEN set, POST /api/jobs runs pipelines with the store flags
// of s and jobArgs.
func serve(ctx context.Context, e *env, s *settings, jobArgs ...string) error {
	cfg := server.Config{MongoURI: s.mongoURI, HDFS: s.hdfs, JobEndpoint: s.jobEndpoint, UI: web.Assets(), Log: e.service,
		Token: os.Getenv(server.TokenEnv)}
	if cfg.Token != "" {
		if bins, err := launch.Locate(ctx, filepath.Join(s.workdir, "bin"), e.log); err != nil {
			e.log.Warn("POST /api/jobs answers 503: no pipeline binaries", "error", err)
		} else {
			cfg.Jobs = &server.Jobs{Bins: bins, Args: append(defaults(s, jobArgs, false), jobArgs...), Output: s.outputRoot()}
		}
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", s.addr, err)
	}
	wait, cancel := context.WithTimeout(ctx, 15*time.Second)
	if err := srv.Ready(wait); err != nil {
		e.log.Warn("serving before MongoDB answers: the API answers 503 until it does", "error", err)
	}
	cancel()
	fmt.Fprintf(e.stdout, "\nserving http://%s  (dashboard: /dashboard, API: /api/results; Ctrl-C stops)\n", displayAddr(ln.Addr()))
	if web.Assets() == nil {
		fmt.Fprintln(e.stdout, "the dashboard is not built: `make web` builds it (the API works without it)")
	}
	err = srv.Serve(ctx, ln)
	if ctx.Err() != nil {
		fmt.Fprintln(e.stdout, "stopped")
		return nil
	}
	return err
}

// displayAddr turns a listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
