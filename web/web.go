// Package web holds the dashboard: a Vite + Chart.js + Bootstrap single-page
// app in this folder, built by `npm run build` (or `make web`) into dist/,
// which is embedded here so the beamline binary serves it with the API.
package web

import (
	"embed"
	"io/fs"
)

// dist is the build output; only dist/.gitkeep is committed, so the embed
// compiles before the first build.
//
//go:embed all:dist
var dist embed.FS

// Assets returns the built dashboard (the contents of dist/, index.html at
// its root), or nil when the dashboard has not been built, so the server
// can say how to build it instead of serving an empty directory.
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}
