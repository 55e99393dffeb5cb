package server

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/probe"
)

// apiStatus is the server's own line in /api/system/status: errors are
// responses with a status of 500 or more.
type apiStatus struct {
	Status    string  `json:"status"`
	UptimeS   int64   `json:"uptime_s"`
	Requests  int64   `json:"requests"`
	Errors    int64   `json:"errors"`
	ErrorRate float64 `json:"error_rate"`
}

// systemStatus is GET /api/system/status: MongoDB, HDFS and the Beam job
// service probed concurrently (internal/probe), and the API itself. It
// answers 200 whatever the services' state.
func (s *Server) systemStatus(c echo.Context) error {
	t := probe.Targets{HDFS: s.cfg.HDFS, JobEndpoint: s.cfg.JobEndpoint, Timeout: s.cfg.ProbeTimeout}
	if s.cfg.MongoURI != "" {
		t.Mongo = func(context.Context) (*mongostore.Store, error) { return s.mongo.get() }
	}
	r := probe.Check(c.Request().Context(), t)
	total, failed := s.metrics.total.Load(), s.metrics.failed.Load()
	api := apiStatus{Status: probe.Connected, UptimeS: int64(time.Since(s.started).Seconds()), Requests: total, Errors: failed}
	if total > 0 {
		api.ErrorRate = math.Round(float64(failed)/float64(total)*1e4) / 1e4
	}
	return c.JSON(http.StatusOK, struct {
		probe.Report
		API apiStatus `json:"api"`
	}{r, api})
}
