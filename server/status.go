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
	r := s.probes(c.Request().Context(), t)
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

// statusTTL is how long a probe report is reused: under load the status
// route probes the services at most this often, not once per request.
const statusTTL = time.Second

// probes returns a report at most statusTTL old, and taken while the
// server saw MongoDB as it sees it now (a report never outlives a change of
// MongoDB's reachability), probing once for all the requests that wait on
// it.
func (s *Server) probes(ctx context.Context, t probe.Targets) probe.Report {
	_, merr := s.mongo.get()
	up := merr == nil
	s.status.mu.Lock()
	if s.status.at.Add(statusTTL).After(time.Now()) && s.status.mongoUp == up {
		r := s.status.report
		s.status.mu.Unlock()
		return r
	}
	s.status.mu.Unlock()
	v, _, _ := s.status.group.Do("probe", func() (any, error) {
		r := probe.Check(context.WithoutCancel(ctx), t)
		s.status.mu.Lock()
		s.status.report, s.status.at, s.status.mongoUp = r, time.Now(), up
		s.status.mu.Unlock()
		return r, nil
	})
	return v.(probe.Report)
}
