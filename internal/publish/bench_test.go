package publish_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/publish"
)

// BenchmarkPage1M publishes a 1M-row dataset to the test server and reads
// random pages of 100 rows from it in the dataset's order: the API's hot
// path. `go test -bench Page1M -benchtime 200x ./internal/publish`.
func BenchmarkPage1M(b *testing.B) {
	ctx := context.Background()
	s := mongotest.Store(b)
	root := b.TempDir()
	commit(b, root, "big", "spark/big", cols, regionRows(1_000_000, "r"))
	if err := publish.Begin(ctx, s, publish.Run{ID: "big", Pipeline: "bench"}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := publish.Publish(ctx, s, "big", root, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("published 1M rows in %s", time.Since(start).Round(time.Millisecond))
	d, err := publish.Lookup(ctx, s, "spark/big")
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int64{100, 1000} {
		b.Run(fmt.Sprintf("rows=%d", size), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				off := rand.Int64N(d.Rows - size)
				rows, err := publish.Page(ctx, s, d, off, size)
				if err != nil || int64(len(rows)) != size {
					b.Fatalf("page at %d: %d rows, %v", off, len(rows), err)
				}
			}
		})
	}
}

// BenchmarkCatalogue reads the catalogue of what is served.
func BenchmarkCatalogue(b *testing.B) {
	ctx := context.Background()
	s := mongotest.Store(b)
	root := b.TempDir()
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		commit(b, root, "cat", "pig/"+name, cols, regionRows(10, name))
	}
	if err := publish.Begin(ctx, s, publish.Run{ID: "cat", Pipeline: "bench"}); err != nil {
		b.Fatal(err)
	}
	if err := publish.Publish(ctx, s, "cat", root, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if c, err := publish.Catalogue(ctx, s); err != nil || len(c) != 10 {
			b.Fatal(len(c), err)
		}
	}
}
