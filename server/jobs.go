package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/beamline/beamline/internal/launch"
	"github.com/beamline/beamline/internal/progress"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/internal/results"
)

// TokenEnv names the variable holding the bearer token that the routes
// changing state require; unset, those routes are off.
const TokenEnv = "BEAMLINE_TOKEN"

// Jobs is how POST /api/jobs runs a pipeline and POST /api/publish finds a
// run's datasets: the pipeline binaries and the flags every run gets.
type Jobs struct {
	// Bins holds the pipeline binaries (launch.Locate finds them).
	Bins launch.Binaries
	// Args are given to every pipeline: --input, --output, --mongo-uri,
	// --runner and the runner's own flags.
	Args []string
	// Output is the results root the pipelines write to (their --output),
	// from which POST /api/publish re-publishes a committed run.
	Output string
}

// jobArgs are the arguments a client may give a job, each with its check
// and the pipelines that take it: nothing else reaches a command line.
var jobArgs = map[string]struct {
	flag      string
	pipelines []string
	check     func(string) error
}{
	"as_of": {flag: "--as-of", pipelines: []string{"advanced"}, check: func(v string) error {
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return fmt.Errorf("want a date yyyy-mm-dd, got %q", v)
		}
		return nil
	}},
}

// jobWait bounds how long POST /api/jobs waits for the pipeline to report
// its run id.
const jobWait = 20 * time.Second

// jobState is the launch-side view of the pipelines started through the
// API: their last progress update, by run id, shown in /api/runs/<id>
// while they run and after.
type jobState struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	running int
	last    map[string]progress.Update // by run id
}

// maxJobs bounds the pipelines the API runs at once.
const maxJobs = 2

func newJobState() *jobState {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobState{ctx: ctx, cancel: cancel, last: map[string]progress.Update{}}
}

// stop interrupts the running pipelines and waits for them.
func (j *jobState) stop() {
	j.cancel()
	j.wg.Wait()
}

func (j *jobState) progress(run string) (progress.Update, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	u, ok := j.last[run]
	return u, ok
}

// authorize refuses a request to a route that changes state unless it
// carries the configured bearer token; with no token configured those
// routes are off.
func (s *Server) authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.cfg.Token == "" {
			return &apiError{Status: http.StatusForbidden, Err: "disabled",
				Detail: fmt.Sprintf("%s %s changes state and is off: set %s in the server's environment and send it as Authorization: Bearer <token>",
					c.Request().Method, c.Path(), TokenEnv)}
		}
		got, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) != 1 {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="beamline"`)
			return &apiError{Status: http.StatusUnauthorized, Err: "unauthorized",
				Detail: "this route needs Authorization: Bearer <the server's " + TokenEnv + ">"}
		}
		return next(c)
	}
}

// jobRequest is POST /api/jobs's body.
type jobRequest struct {
	Pipeline string            `json:"pipeline"`
	Args     map[string]string `json:"args"`
}

// decodeBody reads a JSON body into v, refusing unknown fields.
func decodeBody(c echo.Context, v any) error {
	d := json.NewDecoder(c.Request().Body)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return badParam("body", "want a JSON object, got nothing")
		}
		var he *echo.HTTPError
		if errors.As(err, &he) { // the body limit
			return err
		}
		return badParam("body", "want a JSON object: %v", err)
	}
	if d.More() {
		return badParam("body", "want one JSON object, got more after it")
	}
	return nil
}

// startJob is POST /api/jobs: it runs a pipeline as a child process and
// answers 202 with its run id once the pipeline has recorded its run.
func (s *Server) startJob(c echo.Context) error {
	if s.cfg.Jobs == nil {
		return &apiError{Status: http.StatusServiceUnavailable, Err: "jobs not configured",
			Detail: "this server was started without the pipeline binaries (beamline serve/up configure them)"}
	}
	var req jobRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if !slices.Contains(launch.Analyses, req.Pipeline) {
		return badParam("pipeline", "want one of %s, got %q", strings.Join(launch.Analyses, ", "), req.Pipeline)
	}
	args := append([]string{}, s.cfg.Jobs.Args...)
	names := make([]string, 0, len(req.Args))
	for k := range req.Args {
		names = append(names, k)
	}
	slices.Sort(names) // the first bad one reported is always the same
	for _, k := range names {
		a, ok := jobArgs[k]
		if !ok {
			return badParam("args."+k, "not an argument a job takes (allowed: as_of)")
		}
		if !slices.Contains(a.pipelines, req.Pipeline) {
			return badParam("args."+k, "only for %s, not %s", strings.Join(a.pipelines, ", "), req.Pipeline)
		}
		if err := a.check(req.Args[k]); err != nil {
			return badParam("args."+k, "%v", err)
		}
		args = append(args, a.flag, req.Args[k])
	}

	j := s.jobs
	j.mu.Lock()
	if j.running >= maxJobs {
		j.mu.Unlock()
		return &apiError{Status: http.StatusTooManyRequests, Err: "busy",
			Detail: fmt.Sprintf("%d jobs are running already; retry when one has finished", maxJobs)}
	}
	j.running++
	j.mu.Unlock()

	started := make(chan string, 1)
	ended := make(chan launch.Result, 1)
	j.wg.Go(func() {
		defer func() {
			j.mu.Lock()
			j.running--
			j.mu.Unlock()
		}()
		var once sync.Once
		res := s.cfg.Jobs.Bins.Run(j.ctx, launch.Job{Pipeline: req.Pipeline, Args: args, Progress: func(u progress.Update) {
			if u.Run == "" {
				return
			}
			j.mu.Lock()
			j.last[u.Run] = u
			j.mu.Unlock()
			once.Do(func() { started <- u.Run })
		}})
		s.log.Info("job ended", "pipeline", req.Pipeline, "run", res.Run, "code", res.Code, "error", res.Err)
		s.forget()
		ended <- res
	})
	select {
	case id := <-started:
		return c.JSON(http.StatusAccepted, map[string]string{"run_id": id, "pipeline": req.Pipeline, "status": "running", "run": "/api/runs/" + id})
	case res := <-ended:
		if res.Run != "" {
			return c.JSON(http.StatusAccepted, map[string]string{"run_id": res.Run, "pipeline": req.Pipeline, "status": "ended", "run": "/api/runs/" + res.Run})
		}
		return &apiError{Status: http.StatusBadGateway, Err: "job failed to start",
			Detail: fmt.Sprintf("%s ended (exit %d) before recording a run: %v", req.Pipeline, res.Code, res.Err)}
	case <-time.After(jobWait):
		return &apiError{Status: http.StatusGatewayTimeout, Err: "job not started",
			Detail: fmt.Sprintf("%s did not record its run within %s; it goes on, see /api/runs", req.Pipeline, jobWait)}
	}
}

// republish is POST /api/publish/:run: it loads a committed run's datasets
// from the results root into MongoDB again.
func (s *Server) republish(c echo.Context) error {
	id := c.Param("run")
	if !validRunID(id) {
		return notFound("no run %q", id)
	}
	if s.cfg.Jobs == nil || s.cfg.Jobs.Output == "" {
		return &apiError{Status: http.StatusServiceUnavailable, Err: "publishing not configured",
			Detail: "this server was started without the results root (beamline serve/up configure it)"}
	}
	st, err := s.store()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.RequestTimeout)
	defer cancel()
	r, err := publish.GetRun(ctx, st, id)
	if err != nil {
		return err
	}
	switch r.Status {
	case publish.Running:
		return &apiError{Status: http.StatusConflict, Err: "run not committed", Detail: fmt.Sprintf("run %s is still running", id)}
	case publish.Published:
		return &apiError{Status: http.StatusConflict, Err: "already published", Detail: fmt.Sprintf("run %s is published already", id)}
	}
	// failed (its rows were removed) or publishing (interrupted): load its
	// committed datasets, if they are still in the results root
	metas, err := results.List(ctx, s.cfg.Jobs.Output)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(metas, func(m results.Meta) bool { return m.RunID == id }) {
		return &apiError{Status: http.StatusConflict, Err: "run not in the results",
			Detail: fmt.Sprintf("no dataset of run %s is in the results root any more (a later run replaced them)", id)}
	}
	if err := publish.Publish(ctx, st, id, s.cfg.Jobs.Output, r.Inputs); err != nil {
		return err
	}
	s.forget()
	r, err = publish.GetRun(ctx, st, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// validRunID reports whether id can be a run id (runners.NewRunID makes
// them of letters, digits, '-', '_', '.' and ':'): anything else is
// refused before it reaches MongoDB.
func validRunID(id string) bool {
	if id == "" || len(id) > 200 || id == "." || id == ".." {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':'
		if !ok {
			return false
		}
	}
	return true
}
