// Package ingest is the original's load step done right: validated rows are
// de-duplicated by key (the first valid occurrence in file order wins) and
// written back in a standard form (trimmed, two-decimal money, yyyy-MM-dd
// dates, RFC 4180 quoting, LF endings).
package ingest

import (
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/csvio"
	"github.com/beamline/beamline/transforms/records"
	"github.com/beamline/beamline/transforms/table"
	"github.com/beamline/beamline/transforms/wire"
)

// Shards is how many parts the key index is split into, so that no single
// element holds every key.
const Shards = 16

func init() {
	register.DoFn2x0[records.SaleBlock, func(int, Firsts)](&saleKeysFn{})
	register.DoFn2x0[records.EmployeeBlock, func(int, Firsts)](&employeeKeysFn{})
	register.Emitter2[int, Firsts]()
	register.Combiner1[Firsts](&mergeFirstsFn{})
	wire.Register(encodeFirsts, decodeFirsts)
	register.DoFn4x0[records.SaleBlock, Firsts, func(table.Chunk), func(csvio.RejectBlock)](&keepSalesFn{})
	register.DoFn4x0[records.EmployeeBlock, Firsts, func(table.Chunk), func(csvio.RejectBlock)](&keepEmployeesFn{})
	register.Function2x1(dropUnique)
}

// Position is where a row is in the input: its block and line.
type Position struct {
	Seq  int64
	Line int64
}

func (p Position) before(o Position) bool {
	return p.Seq < o.Seq || (p.Seq == o.Seq && p.Line < o.Line)
}

// Firsts maps keys to the position of their first occurrence; Dup marks
// keys seen more than once.
type Firsts struct {
	First map[string]Position
	Dup   map[string]bool
}

// Add records an occurrence of key at p.
func (f *Firsts) Add(key string, p Position) {
	if f.First == nil {
		f.First, f.Dup = map[string]Position{}, map[string]bool{}
	}
	if old, ok := f.First[key]; ok {
		f.Dup[key] = true
		if p.before(old) {
			f.First[key] = p
		}
		return
	}
	f.First[strings.Clone(key)] = p
}

// Merge adds another index's occurrences.
func (f *Firsts) Merge(o Firsts) {
	for k, p := range o.First {
		f.Add(k, p)
		if o.Dup[k] {
			f.Dup[k] = true
		}
	}
}

// Keep reports whether the row with key at p is its key's first occurrence.
func (f *Firsts) Keep(key string, p Position) bool {
	first, ok := f.First[key]
	return !ok || first == p
}

func shard(key string) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % Shards)
}

// indexKeys emits a block's keys, one Firsts per shard.
func indexKeys(n int, key func(i int) (string, Position), emit func(int, Firsts)) {
	var parts [Shards]Firsts
	for i := 0; i < n; i++ {
		k, p := key(i)
		parts[shard(k)].Add(k, p)
	}
	for s := range parts {
		if parts[s].First != nil {
			emit(s, parts[s])
		}
	}
}

type saleKeysFn struct{}

func (saleKeysFn) ProcessElement(b records.SaleBlock, emit func(int, Firsts)) {
	indexKeys(len(b.Rows), func(i int) (string, Position) {
		return b.Rows[i].TransactionID, Position{b.Seq, b.Rows[i].Line}
	}, emit)
}

type employeeKeysFn struct{}

func (employeeKeysFn) ProcessElement(b records.EmployeeBlock, emit func(int, Firsts)) {
	indexKeys(len(b.Rows), func(i int) (string, Position) {
		return strconv.FormatInt(b.Rows[i].ID, 10), Position{b.Seq, b.Rows[i].Line}
	}, emit)
}

type mergeFirstsFn struct{}

func (mergeFirstsFn) MergeAccumulators(a, b Firsts) Firsts {
	if a.First == nil {
		a.First, a.Dup = map[string]Position{}, map[string]bool{}
	}
	a.Merge(b)
	return a
}

// dropUnique keeps, of a shard's index, only the keys seen more than once:
// all the rows need to be checked against.
func dropUnique(_ int, f Firsts) Firsts {
	out := Firsts{First: map[string]Position{}, Dup: map[string]bool{}}
	for k := range f.Dup {
		out.First[k] = f.First[k]
		out.Dup[k] = true
	}
	return out
}

// duplicates returns PCollection<Firsts> (one element) of the keys that
// occur more than once, with their first position.
func duplicates(s beam.Scope, keyed beam.PCollection) beam.PCollection {
	perShard := beam.CombinePerKey(s, &mergeFirstsFn{}, keyed)
	return beam.Combine(s, &mergeFirstsFn{}, beam.ParDo(s, dropUnique, perShard))
}

// DedupeSales keeps the first valid occurrence of each transaction_id and
// rejects the later ones ("duplicate transaction_id"). It takes
// PCollection<records.SaleBlock> and returns the standardised rows
// (PCollection<table.Chunk>, one per block, Source set so that each block
// is its own part and input order is kept) and PCollection<csvio.RejectBlock>.
func DedupeSales(s beam.Scope, sales beam.PCollection) (clean, rejects beam.PCollection) {
	s = s.Scope("ingest.DedupeSales")
	dups := duplicates(s, beam.ParDo(s, &saleKeysFn{}, sales))
	return beam.ParDo2(s, &keepSalesFn{}, sales, beam.SideInput{Input: dups})
}

// DedupeEmployees is DedupeSales for employees, keyed by id.
func DedupeEmployees(s beam.Scope, employees beam.PCollection) (clean, rejects beam.PCollection) {
	s = s.Scope("ingest.DedupeEmployees")
	dups := duplicates(s, beam.ParDo(s, &employeeKeysFn{}, employees))
	return beam.ParDo2(s, &keepEmployeesFn{}, employees, beam.SideInput{Input: dups})
}

type keepSalesFn struct{}

func (f *keepSalesFn) ProcessElement(b records.SaleBlock, dups Firsts, clean func(table.Chunk), rejects func(csvio.RejectBlock)) {
	c, rb := keep(b.File, b.Seq, b.Rows, &dups, "transaction_id", func(r *records.Sale) (string, int64, []string) {
		return r.TransactionID, r.Line, r.Fields()
	})
	clean(c)
	rejects(rb)
}

type keepEmployeesFn struct{}

func (f *keepEmployeesFn) ProcessElement(b records.EmployeeBlock, dups Firsts, clean func(table.Chunk), rejects func(csvio.RejectBlock)) {
	c, rb := keep(b.File, b.Seq, b.Rows, &dups, "id", func(e *records.Employee) (string, int64, []string) {
		fields := e.Fields()
		return fields[0], e.Line, fields
	})
	clean(c)
	rejects(rb)
}

// keep splits a block's rows into the standardised rows to write and the
// later occurrences of duplicated keys, rejected as "duplicate <field>".
func keep[T any](file string, seq int64, rows []T, dups *Firsts, field string, describe func(*T) (key string, line int64, fields []string)) (table.Chunk, csvio.RejectBlock) {
	rb := csvio.RejectBlock{File: file, Seq: seq}
	var b *table.Builder
	for i := range rows {
		key, line, fields := describe(&rows[i])
		if b == nil {
			b = table.NewBuilder(table.Dataset{Columns: make([]table.Column, len(fields))})
		}
		if !dups.Keep(key, Position{seq, line}) {
			rb.Rows = append(rb.Rows, csvio.Reject{Line: line, Reason: "duplicate " + field + ": " + strconv.Quote(key), Raw: strings.Join(fields, ",")})
			continue
		}
		b.Row(fields...)
	}
	if b == nil {
		return table.Chunk{Seq: seq, Source: blockSource(seq)}, rb
	}
	return b.ChunkFor(seq, blockSource(seq)), rb
}

// blockSource gives each block its own part file, so that the parts
// concatenate back in input order.
func blockSource(seq int64) string { return "block-" + strconv.FormatInt(seq, 10) }

// Encode writes the index in its binary form.
func (f *Firsts) Encode(w *wire.Writer) {
	w.Uint(uint64(len(f.First)))
	for k, p := range f.First {
		w.String(k)
		w.Int(p.Seq)
		w.Int(p.Line)
		if f.Dup[k] {
			w.Uint(1)
		} else {
			w.Uint(0)
		}
	}
}

// Decode reads an index written by Encode.
func (f *Firsts) Decode(r *wire.Reader) {
	n := r.Len(4)
	f.First, f.Dup = make(map[string]Position, n), map[string]bool{}
	for i := 0; i < n && r.Err == nil; i++ {
		k := r.String()
		f.First[k] = Position{Seq: r.Int(), Line: r.Int()}
		if r.Uint() == 1 {
			f.Dup[k] = true
		}
	}
}

func encodeFirsts(v Firsts) []byte          { return wire.Marshal(v) }
func decodeFirsts(b []byte) (Firsts, error) { return wire.Unmarshal[Firsts](b) }
