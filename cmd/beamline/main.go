// Command beamline wires beamline together: `beamline up` runs the whole
// platform on a laptop with nothing installed (an embedded MongoDB, every
// pipeline on prism, the API and dashboard); init, load, run, serve and
// status do the same steps one at a time against real HDFS, MongoDB and a
// Flink or Spark job server. It replaces the original stack's run_all.sh,
// init-hadoop.sh, init-spark.sh and load-data.sh.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// Exit codes: the same as the pipelines'.
const (
	exitOK     = 0
	exitFailed = 1 // a pipeline or a step failed
	exitUsage  = 2 // the command line is wrong
)

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, env *env, args []string) error
}

var commands = []command{
	{"up", "run everything on embedded defaults and serve the dashboard (the main job)", runUp},
	{"init", "create the HDFS directories and the MongoDB collections and indexes (idempotent)", runInit},
	{"load", "ingest the local CSV and JSON files into the input root (HDFS or local) and MongoDB", runLoad},
	{"run", "run a pipeline, or all of them, on the chosen runner", runRun},
	{"serve", "serve the API and the dashboard from MongoDB", runServe},
	{"status", "probe MongoDB, HDFS and the job service, as /api/system/status does", runStatus},
	{"ping", "exit 0 when the API answers (for container healthchecks)", runPing},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// usageError is a bad command line: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == args[0] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "beamline: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdout: stdout, stderr: stderr, command: cmd.name}
	defer e.close()
	err := cmd.run(ctx, e, args[1:])
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "beamline %s: %v (see beamline %s --help)\n", cmd.name, err, cmd.name)
		return exitUsage
	default:
		if e.log != nil {
			e.log.Error(cmd.name+" failed", "error", err)
		}
		fmt.Fprintf(stderr, "beamline %s: %v\n", cmd.name, err)
		return exitFailed
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "beamline — analytics pipelines on Apache Beam, with an API and a dashboard\n\nUsage: beamline <command> [flags]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\n`beamline <command> --help` lists a command's flags.\nExit status: 0 success, 1 a pipeline or step failed, 2 bad usage.\n")
}

// env is what every subcommand shares: its output streams and its logger,
// which writes to the terminal and to the log file.
type env struct {
	stdout, stderr io.Writer
	command        string
	verbose        bool
	logFile        *os.File
	// log is beamline's own: info and up on the terminal, everything in the
	// log file.
	log *slog.Logger
	// quiet is for chatty sources (the pipelines' own output, the API's
	// request lines): everything in the file, only errors on the terminal
	// unless --verbose.
	quiet *slog.Logger
	// service is the API server's: its warnings (MongoDB unreachable …) on
	// the terminal, its request lines in the file.
	service *slog.Logger
	// embedded is the embedded MongoDB's: it logs every connection at info
	// level, so only its warnings reach the file and its errors the
	// terminal.
	embedded *slog.Logger
}

// startLog opens the log file (its folder created) and sets the loggers.
// A log file that cannot be opened is reported and skipped.
func (e *env) startLog(path string, verbose bool) {
	e.verbose = verbose
	var warn error
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			warn = err
		} else if f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err != nil {
			warn = err
		} else {
			e.logFile = f
		}
	}
	e.log = e.logger(slog.LevelInfo, slog.LevelDebug)
	e.quiet = e.logger(slog.LevelError, slog.LevelDebug)
	e.service = e.logger(slog.LevelWarn, slog.LevelDebug)
	e.embedded = e.logger(slog.LevelError, slog.LevelWarn).With("component", "mongoembed")
	if warn != nil {
		e.log.Warn("logging to the terminal only", "log_file", path, "error", warn)
	}
}

// logger writes to the terminal from terminal level (debug with --verbose)
// and to the log file from file level.
func (e *env) logger(terminal, file slog.Level) *slog.Logger {
	if e.verbose {
		terminal = slog.LevelDebug
	}
	handlers := []slog.Handler{slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: terminal})}
	if e.logFile != nil {
		handlers = append(handlers, slog.NewTextHandler(e.logFile, &slog.HandlerOptions{Level: file}))
	}
	return slog.New(slog.NewMultiHandler(handlers...)).With("cmd", e.command)
}

func (e *env) close() {
	if e.logFile != nil {
		e.logFile.Close()
	}
}
