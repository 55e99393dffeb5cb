// Package server is beamline's HTTP API and the dashboard's host: the
// original Flask routes with their JSON keys, now re-shaping the datasets
// the pipelines published (never recomputing an analysis), every published
// dataset paged, sorted, searched and exported, the runs and their rejects,
// the services' status, Prometheus metrics and an OpenAPI document. It reads
// MongoDB through internal/publish and internal/mongostore only.
package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/sync/singleflight"

	"github.com/beamline/beamline/internal/probe"
)

// DefaultAddr is the address the API and dashboard listen on unless told
// otherwise (BEAMLINE_ADDR, --addr): the original Flask app's port.
const DefaultAddr = ":5000"

// Config says what the server serves and talks to. Only MongoURI is needed
// for data; zero values elsewhere pick the defaults noted.
type Config struct {
	// MongoURI is the MongoDB holding the published results. The server
	// starts without it being reachable and connects when it can.
	MongoURI string
	// HDFS is the namenode URL probed by /api/system/status, or "".
	HDFS string
	// JobEndpoint is the Beam job service (host:port) probed by
	// /api/system/status, or "".
	JobEndpoint string
	// UI is the built dashboard, index.html at its root, or nil.
	UI fs.FS
	// Log receives one line per request and the server's errors; nil
	// discards them.
	Log *slog.Logger

	// RequestTimeout bounds each request but exports (default 30s).
	RequestTimeout time.Duration
	// MongoTimeout bounds each request's wait on MongoDB (default 10s).
	MongoTimeout time.Duration
	// MongoCheck is how often MongoDB's reachability is checked (default
	// 2s): while it is unreachable, requests that need it answer 503 at
	// once instead of waiting.
	MongoCheck time.Duration
	// ProbeTimeout bounds each probe of /api/system/status (default 5s).
	ProbeTimeout time.Duration
	// CacheBytes bounds the memory kept for sorting and searching datasets
	// (default 512 MiB: a 1M-row dataset of 14 columns takes about half).
	CacheBytes int64
	// CatalogueTTL is how long the list of published datasets is reused
	// before MongoDB is asked again (default 2s).
	CatalogueTTL time.Duration
	// WriteTimeout bounds writing a response; exports push it back as they
	// stream (default 60s).
	WriteTimeout time.Duration
	// Token is the bearer token the routes that change state (POST
	// /api/jobs, POST /api/publish/<run>) require, from $BEAMLINE_TOKEN;
	// "" turns those routes off.
	Token string
	// Jobs lets POST /api/jobs run pipelines and POST /api/publish find
	// their results; nil answers 503 there.
	Jobs *Jobs
	// ReadHeaderTimeout bounds reading a request's headers, ReadTimeout
	// the whole request (defaults 10s and 30s): a client that sends
	// slowly loses its connection instead of holding it.
	ReadHeaderTimeout, ReadTimeout time.Duration
	// CORSOrigins allows these origins to call the API from a browser;
	// none (the default) sends no CORS headers.
	CORSOrigins []string
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.RequestTimeout, 30*time.Second)
	def(&c.MongoTimeout, 10*time.Second)
	def(&c.MongoCheck, 2*time.Second)
	def(&c.ProbeTimeout, 5*time.Second)
	def(&c.CatalogueTTL, 2*time.Second)
	def(&c.WriteTimeout, 60*time.Second)
	def(&c.ReadHeaderTimeout, 10*time.Second)
	def(&c.ReadTimeout, 30*time.Second)
	if c.CacheBytes <= 0 {
		c.CacheBytes = 512 << 20
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Server is the API and dashboard server.
type Server struct {
	cfg     Config
	log     *slog.Logger
	echo    *echo.Echo
	mongo   *mongoConn
	metrics *metrics
	frames  *frameCache
	cat     catalogue
	started time.Time
	openapi []byte
	jobs    *jobState
	status  struct {
		group   singleflight.Group
		mu      sync.Mutex
		at      time.Time
		mongoUp bool
		report  probe.Report
	}

	mu   sync.Mutex
	http *http.Server
}

// New builds a server. It does not wait for MongoDB: it connects in the
// background, and routes that need MongoDB answer 503 until it answers.
func New(cfg Config) (*Server, error) {
	cfg.defaults()
	s := &Server{cfg: cfg, log: cfg.Log, started: time.Now(), metrics: newMetrics(), jobs: newJobState()}
	s.frames = newFrameCache(cfg.CacheBytes)
	s.mongo = newMongoConn(cfg.MongoURI, cfg.MongoCheck, cfg.Log)
	s.echo = echo.New()
	s.echo.HideBanner, s.echo.HidePort = true, true
	s.echo.IPExtractor = echo.ExtractIPDirect() // logs show the peer, not a header anyone can set
	s.echo.HTTPErrorHandler = s.handleError
	s.echo.Use(s.observe) // outermost: sees the final status of every request
	s.echo.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "method", c.Request().Method, "path", c.Request().URL.Path, "error", err, "stack", string(stack))
			return err
		}}))
	s.echo.Use(middleware.RequestID())
	s.echo.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: contentSecurityPolicy,
	}))
	if len(cfg.CORSOrigins) > 0 {
		s.echo.Use(middleware.CORSWithConfig(middleware.CORSConfig{AllowOrigins: cfg.CORSOrigins,
			AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodOptions}}))
	}
	s.echo.Use(middleware.BodyLimit("64K")) // the only bodies are POST /api/jobs's small JSON objects
	s.echo.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{
		Timeout: cfg.RequestTimeout,
		Skipper: func(c echo.Context) bool { return streamed(c.Path()) },
		ErrorHandler: func(err error, c echo.Context) error {
			// Only when the request's own time ran out: a MongoDB wait
			// that timed out is classified by handleError.
			if errors.Is(c.Request().Context().Err(), context.DeadlineExceeded) {
				return &apiError{Status: http.StatusServiceUnavailable, Err: "timeout",
					Detail: fmt.Sprintf("the request did not finish within %s", cfg.RequestTimeout)}
			}
			return err
		},
	}))
	for _, r := range s.routes() {
		h := r.handler
		if r.Auth {
			h = s.authorize(h)
		}
		s.echo.Add(r.Method, r.Path, h)
	}
	doc, err := s.openAPI()
	if err != nil {
		return nil, err
	}
	s.openapi = doc
	return s, nil
}

// contentSecurityPolicy lets the dashboard run its own scripts and styles
// (the charts set inline styles) and call its own API, nothing else.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// Handler is the server's routes, for an http.Server of the caller's or
// for tests.
func (s *Server) Handler() http.Handler { return s.echo }

// Serve serves on ln until ctx ends, then shuts down gracefully: it stops
// accepting, lets requests in flight finish (up to 15s) and returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	s.mu.Lock()
	s.http = srv
	s.mu.Unlock()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// Close stops the server's background work (interrupting the pipelines
// it started) and disconnects from MongoDB. Call it after Serve has
// returned.
func (s *Server) Close() error {
	s.jobs.stop()
	s.mu.Lock()
	srv := s.http
	s.mu.Unlock()
	var err error
	if srv != nil {
		err = srv.Close()
	}
	if merr := s.mongo.close(); merr != nil && err == nil {
		err = merr
	}
	return err
}
