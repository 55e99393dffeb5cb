// Package mongostore is beamline's access to MongoDB (a MongoDB 7 given by
// --mongo-uri / MONGODB_URI, or the embedded server of internal/mongoembed):
// the connection, the collections of the original `bigdata` database and
// their indexes, and keyed writes in small batches.
//
// Everything here sticks to the operations in Operations, which both MongoDB
// and the embedded FerretDB implement: aggregation happens in Beam, never in
// MongoDB; documents are replaced by deleting and inserting them by key in
// batches below 100 (FerretDB deadlocks on larger batches of updates of
// existing documents and is slow at updateMany).
package mongostore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// EnvURI is the environment variable holding the MongoDB URI when no
// --mongo-uri is given.
const EnvURI = "MONGODB_URI"

// DefaultDatabase is the original stack's database.
const DefaultDatabase = "bigdata"

// The collections beamline uses (spec §2.3, plus runs).
const (
	Sales     = "sales"
	Customers = "customers"
	Products  = "products"
	Results   = "results"
	Runs      = "runs"
)

// BatchSize is the number of documents per write command: below the 100 at
// which FerretDB's SQLite backend deadlocks on re-written documents.
const BatchSize = 50

// Operations is the exact set of MongoDB commands beamline sends (the
// driver's handshake included). Tests fail when any other command is seen
// (internal/mongotest), so a command the embedded server lacks cannot creep
// in unnoticed.
var Operations = []string{
	"createIndexes", "dbStats", "delete", "endSessions", "find", "getMore", "insert",
	"killCursors", "listCollections", "listIndexes", "ping", "serverStatus", "update",
	"collStats", "count", "drop", "dropDatabase", "buildInfo",
	// CountDocuments: the only aggregation beamline asks of MongoDB.
	"aggregate", "aggregate $match", "aggregate $group", "aggregate $group $sum",
}

// Timeouts bound every wait on the server.
var (
	ConnectTimeout = 10 * time.Second
	OpTimeout      = 30 * time.Second
)

// Monitor, when set (by tests), watches every command of every client this
// package connects.
var Monitor *event.CommandMonitor

// URI returns the URI to use: the flag's value, else $MONGODB_URI, else "".
func URI(flag string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv(EnvURI)
}

// Store is a connected database.
type Store struct {
	Client *mongo.Client
	DB     *mongo.Database
	uri    string
}

// Connect connects to uri and checks that the server answers within
// ConnectTimeout. The database is the URI's path, or "bigdata".
func Connect(ctx context.Context, uri string) (*Store, error) {
	if uri == "" {
		return nil, errors.New("no MongoDB URI: give --mongo-uri or set " + EnvURI)
	}
	db, err := databaseOf(uri)
	if err != nil {
		return nil, err
	}
	opts := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(ConnectTimeout).
		SetConnectTimeout(ConnectTimeout).
		SetTimeout(OpTimeout)
	if Monitor != nil {
		opts.SetMonitor(Monitor)
	}
	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("MongoDB %s: %w", Redact(uri), err)
	}
	pctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	if err := client.Ping(pctx, nil); err != nil {
		client.Disconnect(context.Background())
		return nil, fmt.Errorf("MongoDB %s is not reachable: %w", Redact(uri), err)
	}
	return &Store{Client: client, DB: client.Database(db), uri: uri}, nil
}

// WithDatabase returns the store on another database of the same server.
func (s *Store) WithDatabase(name string) *Store {
	return &Store{Client: s.Client, DB: s.Client.Database(name), uri: s.uri}
}

// Close disconnects.
func (s *Store) Close() error { return s.Client.Disconnect(context.Background()) }

// URI is the store's URI with its password hidden.
func (s *Store) URI() string { return Redact(s.uri) }

// Ping checks the server and returns its latency.
func (s *Store) Ping(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	err := s.Client.Ping(ctx, nil)
	return time.Since(start), err
}

var (
	sharedMu sync.Mutex
	shared   = map[string]*Store{}
)

// Shared returns a process-wide store for uri, connecting on first use: the
// one connection pool every DoFn of a process shares.
func Shared(ctx context.Context, uri string) (*Store, error) {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if s, ok := shared[uri]; ok {
		return s, nil
	}
	s, err := Connect(ctx, uri)
	if err != nil {
		return nil, err
	}
	shared[uri] = s
	return s, nil
}

// databaseOf returns the database named by the URI's path, or the default.
func databaseOf(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "mongodb" && u.Scheme != "mongodb+srv") {
		return "", fmt.Errorf("MongoDB URI %q: want mongodb://host:port[/database]", Redact(uri))
	}
	if db := strings.Trim(u.Path, "/"); db != "" {
		return db, nil
	}
	return DefaultDatabase, nil
}

// Redact hides the password of a URI, for messages and logs.
func Redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.User == nil {
		return uri
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Index is one index of a collection.
type Index struct {
	Collection string
	Keys       []string
	Unique     bool
}

// Indexes are the original's indexes (spec §2.3) and those of results and
// runs.
var Indexes = []Index{
	{Sales, []string{"sale_date"}, false},
	{Sales, []string{"location.region"}, false},
	{Sales, []string{"product.category"}, false},
	{Sales, []string{"customer.loyalty_tier"}, false},
	{Customers, []string{"customer_id"}, true},
	{Customers, []string{"email"}, true},
	{Customers, []string{"loyalty_tier"}, false},
	{Products, []string{"source", "product_id"}, true},
	{Runs, []string{"status"}, false},
	{Results, []string{"run_id"}, false},
}

var (
	hooksMu    sync.Mutex
	indexHooks = map[string]func(ctx context.Context, db string) error{}
)

// RegisterIndexHook makes EnsureIndexes on the server at host (host:port as
// in its URI) also call fn: the embedded server adds there the _id indexes
// its backend lacks.
func RegisterIndexHook(host string, fn func(ctx context.Context, db string) error) {
	hooksMu.Lock()
	defer hooksMu.Unlock()
	indexHooks[host] = fn
}

// EnsureIndexes creates the indexes (and so the collections); it is
// idempotent.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	if err := s.ensureIndexes(ctx); err != nil {
		return err
	}
	host := ""
	if u, err := url.Parse(s.uri); err == nil {
		host = u.Host
	}
	hooksMu.Lock()
	hook := indexHooks[host]
	hooksMu.Unlock()
	if hook != nil {
		return hook(ctx, s.DB.Name())
	}
	return nil
}

func (s *Store) ensureIndexes(ctx context.Context) error {
	for _, ix := range Indexes {
		keys := bson.D{}
		for _, k := range ix.Keys {
			keys = append(keys, bson.E{Key: k, Value: 1})
		}
		m := mongo.IndexModel{Keys: keys, Options: options.Index().SetUnique(ix.Unique)}
		if _, err := s.DB.Collection(ix.Collection).Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("MongoDB %s.%s: create index %v: %w", s.DB.Name(), ix.Collection, ix.Keys, err)
		}
	}
	return nil
}

// Replace writes docs (each with its key in _id) to coll, replacing any
// document with the same key: per batch, a delete by key then an insert.
func (s *Store) Replace(ctx context.Context, coll string, docs []any) error {
	c := s.DB.Collection(coll)
	for start := 0; start < len(docs); start += BatchSize {
		batch := docs[start:min(start+BatchSize, len(docs))]
		ids := make(bson.A, len(batch))
		for i, d := range batch {
			id, err := idOf(d)
			if err != nil {
				return fmt.Errorf("MongoDB %s: %w", coll, err)
			}
			ids[i] = id
		}
		if _, err := c.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
			return fmt.Errorf("MongoDB %s.%s: delete before replace: %w", s.DB.Name(), coll, err)
		}
		if _, err := c.InsertMany(ctx, batch, options.InsertMany().SetOrdered(true)); err != nil {
			return fmt.Errorf("MongoDB %s.%s: insert: %w", s.DB.Name(), coll, err)
		}
	}
	return nil
}

// Insert inserts docs into coll in batches.
func (s *Store) Insert(ctx context.Context, coll string, docs []any) error {
	c := s.DB.Collection(coll)
	for start := 0; start < len(docs); start += BatchSize {
		if _, err := c.InsertMany(ctx, docs[start:min(start+BatchSize, len(docs))]); err != nil {
			return fmt.Errorf("MongoDB %s.%s: insert: %w", s.DB.Name(), coll, err)
		}
	}
	return nil
}

// DeleteIDs deletes the documents with the given keys, in batches.
func (s *Store) DeleteIDs(ctx context.Context, coll string, ids []any) error {
	c := s.DB.Collection(coll)
	for start := 0; start < len(ids); start += BatchSize {
		in := bson.A(ids[start:min(start+BatchSize, len(ids))])
		if _, err := c.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: in}}}}); err != nil {
			return fmt.Errorf("MongoDB %s.%s: delete: %w", s.DB.Name(), coll, err)
		}
	}
	return nil
}

// idOf returns a document's _id.
func idOf(doc any) (any, error) {
	switch d := doc.(type) {
	case bson.D:
		for _, e := range d {
			if e.Key == "_id" {
				return e.Value, nil
			}
		}
	case bson.M:
		if id, ok := d["_id"]; ok {
			return id, nil
		}
	default:
		raw, err := bson.Marshal(doc)
		if err != nil {
			return nil, err
		}
		if v, err := bson.Raw(raw).LookupErr("_id"); err == nil {
			var id any
			if err := v.Unmarshal(&id); err == nil {
				return id, nil
			}
		}
	}
	return nil, errors.New("document without _id")
}

// Collections lists the database's collections with their document counts,
// sorted by name.
func (s *Store) Collections(ctx context.Context) (map[string]int64, error) {
	names, err := s.DB.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("MongoDB %s: list collections: %w", s.DB.Name(), err)
	}
	out := make(map[string]int64, len(names))
	for _, n := range names {
		c, err := s.DB.Collection(n).EstimatedDocumentCount(ctx)
		if err != nil {
			return nil, fmt.Errorf("MongoDB %s.%s: count: %w", s.DB.Name(), n, err)
		}
		out[n] = c
	}
	return out, nil
}
