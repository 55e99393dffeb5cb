// Package mongoembed runs beamline's embedded MongoDB: FerretDB v1 with its
// SQLite backend, in-process on a loopback port, so that a laptop needs no
// database server. Everything talks to it through the real MongoDB driver,
// exactly as it would to a MongoDB 7 given by MONGODB_URI.
//
// FerretDB implements a subset of MongoDB (no $avg, $lookup, $out, …):
// beamline aggregates in Beam and uses only the operations pinned by
// internal/mongostore's tests.
package mongoembed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"

	"github.com/beamline/beamline/internal/mongostore"
)

// Server is a running embedded MongoDB.
type Server struct {
	uri    string
	dir    string
	cancel context.CancelFunc
	done   chan error
}

// startMu serialises ferretdb.New, which races with itself when called
// concurrently.
var startMu sync.Mutex

// Start starts an embedded MongoDB keeping its data in dir (created if
// needed) and listening on addr ("127.0.0.1:0" picks a free port). Only one
// process may use a dir at a time.
func Start(dir, addr string, log *slog.Logger) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("embedded MongoDB: %w", err)
	}
	// Check the address first: FerretDB would wait forever for a listener
	// that failed to start.
	probe, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("embedded MongoDB: cannot listen on %s: %w", addr, err)
	}
	if _, port, _ := net.SplitHostPort(addr); port == "0" {
		addr = probe.Addr().String() // keep the port we know is free
	}
	probe.Close()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// The SQLite URL is a file: URI of a directory; escape its path.
	sqlite := (&url.URL{Scheme: "file", Path: abs + "/"}).String()
	startMu.Lock()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: sqlite,
		Logger:    log,
	})
	startMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("embedded MongoDB in %s: %w", abs, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{dir: abs, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- f.Run(ctx) }()
	uri := make(chan string, 1)
	go func() { uri <- f.MongoDBURI() }()
	select {
	case s.uri = <-uri:
	case err := <-s.done:
		cancel()
		return nil, fmt.Errorf("embedded MongoDB on %s stopped at start: %v", addr, err)
	case <-time.After(30 * time.Second):
		cancel()
		return nil, fmt.Errorf("embedded MongoDB on %s did not start within 30s", addr)
	}
	if u, err := url.Parse(s.uri); err == nil {
		mongostore.RegisterIndexHook(u.Host, s.IndexIDs)
	}
	return s, nil
}

// URI is the mongodb:// URI clients connect to.
func (s *Server) URI() string { return s.uri }

// Dir is where the server keeps its data.
func (s *Server) Dir() string { return s.dir }

// Close stops the server and waits for it to close its files.
func (s *Server) Close() error {
	s.cancel()
	select {
	case err := <-s.done:
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	case <-time.After(10 * time.Second):
		return errors.New("embedded MongoDB did not stop within 10s")
	}
}

// IndexIDs makes lookups by _id use an index in every collection of
// database db. FerretDB's SQLite backend builds its _id index on the
// expression `_ferretdb_sjson->"_id"` but queries `_ferretdb_sjson->'$._id'`,
// which SQLite does not match to it, so every find by _id scans the whole
// collection (30 ms for a 1M-row result). An index on the queried
// expression makes the same find take well under a millisecond. Call it
// after the collections exist; it is idempotent, and dropping a collection
// drops its index with its table.
func (s *Server) IndexIDs(ctx context.Context, db string) error {
	file := filepath.Join(s.dir, db+".sqlite")
	if _, err := os.Stat(file); err != nil {
		return nil // no collection yet
	}
	conn, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Opaque: file}).String())
	if err != nil {
		return fmt.Errorf("embedded MongoDB %s: %w", file, err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return fmt.Errorf("embedded MongoDB %s: listing collections: %w", file, err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"_beamline_id", t)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("embedded MongoDB %s: indexing _id of %s: %w", file, t, err)
		}
	}
	return nil
}
