package synth

import (
	"io"
	"testing"
)

// BenchmarkWriteSales formats 100k sales rows to io.Discard; ns/op is per
// file, MB/s the formatting rate.
func BenchmarkWriteSales(b *testing.B) {
	for _, bc := range []struct {
		name    string
		dirty   float64
		workers int
	}{
		{"clean/1worker", 0, 1},
		{"clean/parallel", 0, 0},
		{"dirty5pct/parallel", 0.05, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := Config{Rows: 100_000, Seed: 1, Dirty: bc.dirty, Workers: bc.workers}
			fr, err := WriteSales(io.Discard, cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(fr.Bytes)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := WriteSales(io.Discard, cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*cfg.Rows), "ns/row")
		})
	}
}

// BenchmarkWriteEmployees formats 100k employee rows to io.Discard.
func BenchmarkWriteEmployees(b *testing.B) {
	cfg := Config{Rows: 0, Employees: 100_000, Seed: 1}
	fr, err := WriteEmployees(io.Discard, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fr.Bytes)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WriteEmployees(io.Discard, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
