package server_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/beamline/beamline/server"
)

func TestUI(t *testing.T) {
	ui := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>beamline dashboard</title>")},
		"assets/app-3f2a.js":   {Data: []byte("console.log('dashboard')")},
		"assets/app-3f2a.css":  {Data: []byte("body{}")},
		"favicon.svg":          {Data: []byte("<svg/>")},
		"assets/sub/chart.txt": {Data: []byte("x")},
	}
	h := newServer(t, server.Config{UI: ui})
	for _, c := range []struct {
		path, body, ctype, cache string
	}{
		{"/", "beamline dashboard", "text/html", "no-cache"},
		{"/dashboard", "beamline dashboard", "text/html", "no-cache"},
		{"/runs/some-run", "beamline dashboard", "text/html", "no-cache"}, // an SPA route
		{"/index.html", "beamline dashboard", "text/html", "no-cache"},
		{"/assets/app-3f2a.js", "console.log", "javascript", "immutable"},
		{"/assets/app-3f2a.css", "body{}", "text/css", "immutable"},
		{"/favicon.svg", "<svg/>", "image/svg+xml", "no-cache"},
	} {
		r := get(t, h, c.path)
		if r.Code != http.StatusOK || !strings.Contains(r.Body, c.body) || !strings.Contains(r.Header.Get("Content-Type"), c.ctype) ||
			!strings.Contains(r.Header.Get("Cache-Control"), c.cache) {
			t.Errorf("GET %s: %d %q %q %q", c.path, r.Code, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"), r.Body)
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", c.path, csp)
		}
	}
	// a missing file is a 404, not the app; /api stays the API's
	wantError(t, h, "/assets/missing.js", http.StatusNotFound)
	wantError(t, h, "/api/unknown", http.StatusNotFound, "no such route")
	wantError(t, h, "/../../etc/passwd.txt", http.StatusNotFound)
}

func TestNoUIBuilt(t *testing.T) {
	for _, ui := range []fstest.MapFS{nil, {"assets/app.js": {Data: []byte("x")}}} {
		cfg := server.Config{}
		if ui != nil {
			cfg.UI = ui
		}
		h := newServer(t, cfg)
		for _, p := range []string{"/", "/dashboard"} {
			r := get(t, h, p)
			if r.Code != http.StatusOK || !strings.Contains(r.Body, "run <code>make web</code> to build the dashboard") ||
				!strings.Contains(r.Body, "/api/openapi.json") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				t.Errorf("GET %s without a dashboard: %d %s", p, r.Code, r.Body)
			}
		}
		wantError(t, h, "/elsewhere", http.StatusNotFound)
	}
}
