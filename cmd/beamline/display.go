package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/beamline/beamline/internal/launch"
	"github.com/beamline/beamline/internal/progress"
	"github.com/beamline/beamline/internal/publish"
)

// isTerminal reports whether w is an interactive terminal, where progress is
// redrawn in place; elsewhere (CI, pipes, files) it is printed a line per
// stage.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressLine shows one pipeline's progress: which pipeline, its stage, the
// rows read and written so far and the time taken.
type progressLine struct {
	mu        sync.Mutex
	w         io.Writer
	tty       bool
	pipeline  string
	lastStage string
	drawn     bool
}

func (p *progressLine) update(u progress.Update) {
	p.mu.Lock()
	defer p.mu.Unlock()
	text := fmt.Sprintf("%-9s %-10s read %s rows, wrote %s rows  %s", p.pipeline, u.Stage, count(u.Read), count(u.Written),
		(time.Duration(u.Elapsed) * time.Millisecond).Round(100*time.Millisecond))
	switch {
	case p.tty:
		fmt.Fprintf(p.w, "\r\033[K  %s", text)
		p.drawn = true
	case u.Stage != p.lastStage:
		fmt.Fprintf(p.w, "  %s\n", text)
	}
	p.lastStage = u.Stage
}

// end clears the redrawn line.
func (p *progressLine) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// count prints n with thousands separators.
func count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// lineLogger writes each line it is given to the log, for a pipeline's
// standard output (its summary lines) when the terminal shows progress
// instead.
type lineLogger struct {
	e        *env
	pipeline string
	buf      []byte
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := strings.IndexByte(string(l.buf), '\n')
		if i < 0 {
			break
		}
		if line := strings.TrimSpace(string(l.buf[:i])); line != "" {
			l.e.quiet.Info(line, "pipeline", l.pipeline)
		}
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

// runPipeline runs one pipeline with a progress line, logging its output;
// it returns how it ended.
func (e *env) runPipeline(ctx context.Context, bins launch.Binaries, name string, args []string) launch.Result {
	line := &progressLine{w: e.stdout, tty: isTerminal(e.stdout), pipeline: name}
	e.log.Debug("starting", "pipeline", name, "args", strings.Join(args, " "))
	res := bins.Run(ctx, launch.Job{
		Pipeline: name, Args: args,
		Stdout:   &lineLogger{e: e, pipeline: name},
		Stderr:   &lineLogger{e: e, pipeline: name},
		Progress: line.update,
	})
	line.end()
	if res.Err != nil {
		e.log.Error("pipeline failed", "pipeline", name, "exit", res.Code, "error", res.Err)
		fmt.Fprintf(e.stdout, "  %-9s FAILED after %s (exit %d): %s\n", name, res.Elapsed.Round(time.Millisecond), res.Code, firstLine(res.Err.Error()))
	} else {
		e.log.Debug("pipeline finished", "pipeline", name, "run", res.Run, "in", res.Elapsed.Round(time.Millisecond))
		counts := "" // the rows are counted where the workers run: not here on a cluster
		if res.Last.Read > 0 || res.Last.Written > 0 {
			counts = fmt.Sprintf(": read %s rows, wrote %s rows", count(res.Last.Read), count(res.Last.Written))
		}
		fmt.Fprintf(e.stdout, "  %-9s done in %s%s (run %s)\n", name, res.Elapsed.Round(time.Millisecond), counts, res.Run)
	}
	return res
}

func firstLine(s string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	var last string
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" && !strings.HasPrefix(t, "The previous results") && !strings.HasPrefix(t, "time=") {
			last = t
			break
		}
	}
	if last == "" {
		return strings.TrimSpace(s)
	}
	return last
}

// summaryTable prints, per pipeline run, its status, inputs, datasets, rows,
// rejects and duration, from the runs recorded in MongoDB.
func summaryTable(w io.Writer, results []launch.Result, runs map[string]publish.Run) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "pipeline\tstatus\tread\tclean\trejected\tdatasets\trows\tduration\t")
	var totalDatasets, totalRows, totalRead, totalClean, totalRejected int64
	var total time.Duration
	for _, res := range results {
		r, ok := runs[res.Run]
		status := "failed"
		if res.Err == nil {
			status = "ok"
		}
		if ok {
			status = r.Status
		}
		var read, clean, rejected, datasets, rows int64
		for _, c := range r.Inputs {
			read, clean, rejected = read+c.Read, clean+c.Clean, rejected+c.Rejected
		}
		for _, d := range r.Datasets {
			if d.Family == "rejects" {
				continue
			}
			datasets++
			rows += d.Rows
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t\n", res.Pipeline, status, count(read), count(clean), count(rejected),
			datasets, count(rows), res.Elapsed.Round(time.Millisecond))
		totalDatasets, totalRows, total = totalDatasets+datasets, totalRows+rows, total+res.Elapsed
		totalRead, totalClean, totalRejected = totalRead+read, totalClean+clean, totalRejected+rejected
	}
	fmt.Fprintf(tw, "total\t\t%s\t%s\t%s\t%d\t%s\t%s\t\n", count(totalRead), count(totalClean), count(totalRejected),
		totalDatasets, count(totalRows), total.Round(time.Millisecond))
	tw.Flush()
}
