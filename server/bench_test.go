package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/internal/results"
	"github.com/beamline/beamline/server"
	"github.com/beamline/beamline/transforms/table"
)

// publishBig publishes spark/big, n rows of (region, customer, n,
// revenue), as a pipeline's run would, and returns the database's URI.
func publishBig(b *testing.B, n int) string {
	b.Helper()
	ctx := context.Background()
	uri := mongotest.URI(b)
	s, err := mongostore.Connect(ctx, uri)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	root := b.TempDir()
	dir := filepath.Join(root, "spark/big")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "part-00000.csv"))
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	cols := []table.Column{table.S("region"), table.S("customer"), table.I("n"), table.M("revenue")}
	regions := []string{"Africa", "Asia", "Europe", "North America", "Oceania", "South America"}
	fmt.Fprintln(w, "region,customer,n,revenue")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "%s,C%07d,%d,%d.%02d\n", regions[i%len(regions)], i, rng.IntN(1000), rng.IntN(100000), rng.IntN(100))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	meta, _ := json.Marshal(results.Meta{Dataset: "big", Family: "spark", Path: "spark/big", Columns: cols, Rows: int64(n),
		Parts: []results.PartMeta{{File: "part-00000.csv", Rows: int64(n)}}, RunID: "big", ProducedAt: time.Now()})
	if err := os.WriteFile(filepath.Join(dir, results.SuccessFile), meta, 0o644); err != nil {
		b.Fatal(err)
	}
	if err := publish.Begin(ctx, s, publish.Run{ID: "big", Pipeline: "bench"}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := publish.Publish(ctx, s, "big", root, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("published %d rows in %s", n, time.Since(start).Round(time.Millisecond))
	return uri
}

// BenchmarkPage1M pages through a published 1M-row dataset through the
// API: in its own order (straight from MongoDB), sorted on a money column
// and searched (from the dataset's frame, read once).
// `go test -run XXX -bench Page1M -benchtime 200x ./server`.
func BenchmarkPage1M(b *testing.B) {
	const rows = 1_000_000
	uri := publishBig(b, rows)
	h := newServer(b, server.Config{MongoURI: uri, CacheBytes: 512 << 20, RequestTimeout: 2 * time.Minute})
	page := func(b *testing.B, query string) {
		p := 1 + rand.IntN(rows/100-1)
		r := get(b, h, fmt.Sprintf("/api/results/spark/big?page=%d&page_size=100&%s", p, query))
		if r.Code != http.StatusOK {
			b.Fatalf("%d %s", r.Code, r.Body)
		}
	}
	for _, c := range []struct{ name, query string }{
		{"own order", ""},
		{"sorted", "sort=revenue&order=desc"},
		{"searched", "q=c00001&sort=n"},
	} {
		b.Run(c.name, func(b *testing.B) {
			start := time.Now()
			page(b, c.query) // the first request reads the whole dataset for a sort or a search
			b.Logf("first page: %s", time.Since(start).Round(time.Millisecond))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				page(b, c.query)
			}
		})
	}
}

// BenchmarkStatus asks /api/system/status of a server whose MongoDB holds
// a few collections.
func BenchmarkStatus(b *testing.B) {
	uri := publishBig(b, 1000)
	h := newServer(b, server.Config{MongoURI: uri})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := get(b, h, "/api/system/status"); r.Code != http.StatusOK {
			b.Fatal(r.Code, r.Body)
		}
	}
}
