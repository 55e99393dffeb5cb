package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/server"
)

// Environment variables the command reads (flags win over them).
const (
	envAddr        = "BEAMLINE_ADDR"         // the API's listen address
	envHDFS        = "BEAMLINE_HDFS"         // the namenode URL: inputs and outputs go to HDFS
	envJobEndpoint = "BEAMLINE_JOB_ENDPOINT" // a Beam job service (Flink, Spark or prism job server)
	envRunner      = "BEAMLINE_RUNNER"       // the runner `beamline run` uses by default
	envLogFile     = "BEAMLINE_LOG_FILE"     // where the log goes besides the terminal
	envWorkdir     = "BEAMLINE_WORKDIR"      // beamline's working directory
)

// settings are the flags subcommands share.
type settings struct {
	workdir, logFile, mongoURI, hdfs, jobEndpoint, addr string
	verbose                                             bool
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// flagSet returns a subcommand's flag set with its --help text and the
// flags every subcommand has (--workdir, --log-file, --verbose).
func (e *env) flagSet(name, args, about string, s *settings) *flag.FlagSet {
	fs := flag.NewFlagSet("beamline "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "beamline %s — %s\n\nUsage: beamline %s %s\n\nFlags:\n", name, about, name, args)
		fs.PrintDefaults()
		fmt.Fprintf(w, "\nExit status: 0 success, 1 failure, 2 bad usage.\n")
	}
	fs.StringVar(&s.workdir, "workdir", envOr(envWorkdir, ".beamline"), "working directory: local input and output roots, the embedded MongoDB's files, built pipelines ($"+envWorkdir+")")
	logFile, set := os.LookupEnv(envLogFile) // set and empty: no log file
	if !set {
		logFile = "logs/run_all.log"
	}
	fs.StringVar(&s.logFile, "log-file", logFile, "also log to this file (\"\" for the terminal only; $"+envLogFile+")")
	fs.BoolVar(&s.verbose, "verbose", false, "log debug details")
	return fs
}

// storeFlags adds --mongo-uri, --hdfs and --job-endpoint.
func storeFlags(fs *flag.FlagSet, s *settings) {
	fs.StringVar(&s.mongoURI, "mongo-uri", "", "MongoDB, mongodb://[user:pass@]host:port[/database] (default $"+mongostore.EnvURI+")")
	fs.StringVar(&s.hdfs, "hdfs", os.Getenv(envHDFS), "HDFS namenode, hdfs://namenode:8020: inputs under /data/input and results under /data/output there ($"+envHDFS+"; none: the local working directory)")
	fs.StringVar(&s.jobEndpoint, "job-endpoint", os.Getenv(envJobEndpoint), "Beam job service host:port (Flink, Spark or prism job server) ($"+envJobEndpoint+")")
}

// addrFlag adds --addr.
func addrFlag(fs *flag.FlagSet, s *settings) {
	fs.StringVar(&s.addr, "addr", envOr(envAddr, server.DefaultAddr), "the API's listen address ($"+envAddr+")")
}

// parse parses args, refusing positional arguments unless allowed, and
// starts the log.
func (e *env) parse(fs *flag.FlagSet, args []string, s *settings, positional bool) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err.Error()}
	}
	if !positional && fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	s.mongoURI = mongostore.URI(s.mongoURI)
	s.hdfs = strings.TrimSuffix(s.hdfs, "/")
	if s.hdfs != "" && !strings.HasPrefix(s.hdfs, "hdfs://") {
		return usagef("--hdfs %q is not an hdfs:// URL", s.hdfs)
	}
	e.startLog(s.logFile, s.verbose)
	return nil
}

// inputRoot and outputRoot are where pipelines read and write: HDFS's
// /data/input and /data/output (spec §3) when a namenode is configured,
// else the working directory's input/ and output/.
func (s *settings) inputRoot() string {
	if s.hdfs != "" {
		return s.hdfs + "/data/input"
	}
	return s.workdir + "/input"
}

func (s *settings) outputRoot() string {
	if s.hdfs != "" {
		return s.hdfs + "/data/output"
	}
	return s.workdir + "/output"
}
