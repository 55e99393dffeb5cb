package server

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// ui serves the dashboard: its files, and index.html for every other path
// without an extension (the single-page app routes, /dashboard among
// them). Without a built dashboard, / and /dashboard say how to build it.
func (s *Server) ui(c echo.Context) error {
	name := strings.TrimPrefix(path.Clean("/"+c.Request().URL.Path), "/")
	if name == "api" || strings.HasPrefix(name, "api/") {
		return notFound("no such route")
	}
	if !s.hasUI() {
		if name == "" || name == "dashboard" {
			c.Response().Header().Set("Cache-Control", "no-cache")
			return c.HTML(http.StatusOK, noUIPage)
		}
		return notFound("no such page")
	}
	if name != "" && name != "index.html" {
		if fi, err := fs.Stat(s.cfg.UI, name); err == nil && fi.Mode().IsRegular() {
			cache := "no-cache"
			if strings.HasPrefix(name, "assets/") { // Vite's content-hashed files
				cache = "public, max-age=31536000, immutable"
			}
			c.Response().Header().Set("Cache-Control", cache)
			http.ServeFileFS(c.Response(), c.Request(), s.cfg.UI, name)
			return nil
		}
		if path.Ext(name) != "" {
			return notFound("no such file")
		}
	}
	index, err := fs.ReadFile(s.cfg.UI, "index.html")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.HTMLBlob(http.StatusOK, index)
}

func (s *Server) hasUI() bool {
	if s.cfg.UI == nil {
		return false
	}
	fi, err := fs.Stat(s.cfg.UI, "index.html")
	return err == nil && fi.Mode().IsRegular()
}

// noUIPage is / when the dashboard has not been built.
const noUIPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>beamline</title></head>
<body>
<h1>beamline</h1>
<p>The API works: see <a href="/api/openapi.json">/api/openapi.json</a>, <a href="/api/results">/api/results</a> and <a href="/api/system/status">/api/system/status</a>.</p>
<p>The dashboard has not been built: run <code>make web</code> to build the dashboard, then rebuild beamline.</p>
</body></html>
`
