package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/beamline/beamline/internal/progress"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/transforms/table"
)

// listRuns is GET /api/runs: the latest runs, newest first.
func (s *Server) listRuns(c echo.Context) error {
	limit, err := intParam(c, "limit", 50, 1, 1000)
	if err != nil {
		return err
	}
	st, err := s.store()
	if err != nil {
		return err
	}
	ctx, cancel := s.mongoCtx(c)
	defer cancel()
	runs, err := publish.Runs(ctx, st, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"runs": runs})
}

// getRun is GET /api/runs/:id.
func (s *Server) getRun(c echo.Context) error {
	id := c.Param("id")
	if !validRunID(id) {
		return notFound("no run %q", id)
	}
	st, err := s.store()
	if err != nil {
		return err
	}
	ctx, cancel := s.mongoCtx(c)
	defer cancel()
	r, err := publish.GetRun(ctx, st, id)
	if err != nil {
		return err
	}
	out := struct {
		publish.Run
		Progress *progress.Update `json:"progress,omitempty"`
	}{Run: r}
	if u, ok := s.jobs.progress(id); ok {
		out.Progress = &u
	}
	return c.JSON(http.StatusOK, out)
}

// rejectsInfo is a rejects dataset in /api/rejects.
type rejectsInfo struct {
	Pipeline   string                `json:"pipeline"`
	Dataset    string                `json:"dataset"`
	Path       string                `json:"path"`
	Rows       int64                 `json:"rows"`
	Reasons    []publish.ReasonCount `json:"reasons"`
	RunID      string                `json:"run_id"`
	ProducedAt time.Time             `json:"produced_at"`
}

// listRejects is GET /api/rejects: the published rejects of every
// pipeline and input, with their counts per reason.
func (s *Server) listRejects(c echo.Context) error {
	ctx, cancel := s.mongoCtx(c)
	defer cancel()
	all, err := s.datasets(ctx)
	if err != nil {
		return err
	}
	out := []rejectsInfo{}
	for _, d := range all {
		parts := strings.Split(d.Path, "/")
		if d.Family != table.Rejects || len(parts) != 3 {
			continue
		}
		reasons := d.Reasons
		if reasons == nil {
			reasons = []publish.ReasonCount{}
		}
		out = append(out, rejectsInfo{Pipeline: parts[1], Dataset: parts[2], Path: d.Path, Rows: d.Rows,
			Reasons: reasons, RunID: d.RunID, ProducedAt: d.ProducedAt})
	}
	return c.JSON(http.StatusOK, map[string]any{"datasets": out})
}

// rejectsPage is GET /api/rejects/:pipeline/:dataset.
func (s *Server) rejectsPage(c echo.Context) error {
	pipeline, name := c.Param("pipeline"), c.Param("dataset")
	if !table.ValidName(pipeline) || !table.ValidName(name) {
		return notFound("no published rejects %s/%s", pipeline, name)
	}
	return s.page(c, table.Rejects+"/"+pipeline+"/"+name, true)
}
