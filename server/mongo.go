package server

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/x/mongo/driver/topology"

	"github.com/beamline/beamline/internal/mongostore"
)

// errNoMongo answers every route that needs MongoDB when none is
// configured.
var errNoMongo = errors.New("no MongoDB configured: set MONGODB_URI")

// mongoConn is the server's MongoDB connection and whether it is usable
// right now. It connects in the background (the server starts while
// MongoDB is down), then pings every interval; once connected, the driver
// reconnects by itself, and the pings tell when it has.
type mongoConn struct {
	uri      string
	interval time.Duration
	log      *slog.Logger

	mu    sync.Mutex
	store *mongostore.Store
	err   error // why MongoDB is unusable; nil when it answered last

	stop context.CancelFunc
	done chan struct{}
}

func newMongoConn(uri string, interval time.Duration, log *slog.Logger) *mongoConn {
	m := &mongoConn{uri: uri, interval: interval, log: log, done: make(chan struct{})}
	if uri == "" {
		m.err = errNoMongo
		m.stop = func() {}
		close(m.done)
		return m
	}
	m.err = errors.New("MongoDB " + mongostore.Redact(uri) + ": connecting")
	ctx, cancel := context.WithCancel(context.Background())
	m.stop = cancel
	go m.watch(ctx)
	return m
}

// get returns the store, or why it cannot be used now.
func (m *mongoConn) get() (*mongostore.Store, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return nil, m.err
	}
	return m.store, nil
}

// failed records that a request could not reach MongoDB: routes answer 503
// until the next successful ping.
func (m *mongoConn) failed(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.store != nil && m.err == nil {
		m.log.Warn("MongoDB unreachable", "error", err)
		m.err = err
	}
}

// watch connects, then pings every interval until ctx ends.
func (m *mongoConn) watch(ctx context.Context) {
	defer close(m.done)
	tick := time.NewTicker(m.interval)
	defer tick.Stop()
	for {
		m.check(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (m *mongoConn) check(ctx context.Context) {
	m.mu.Lock()
	s := m.store
	m.mu.Unlock()
	if s == nil {
		s, err := mongostore.Connect(ctx, m.uri)
		m.mu.Lock()
		defer m.mu.Unlock()
		if err != nil {
			m.err = err
			return
		}
		if ctx.Err() != nil { // closed while connecting
			s.Close()
			return
		}
		m.store, m.err = s, nil
		m.log.Info("MongoDB connected", "uri", s.URI())
		return
	}
	pctx, cancel := context.WithTimeout(ctx, max(m.interval, time.Second))
	_, err := s.Ping(pctx)
	cancel()
	if ctx.Err() != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case err != nil && m.err == nil:
		m.log.Warn("MongoDB unreachable", "error", err)
	case err == nil && m.err != nil:
		m.log.Info("MongoDB reachable again")
	}
	if err != nil {
		m.err = errors.New("MongoDB " + s.URI() + " is not reachable: " + err.Error())
		return
	}
	m.err = nil
}

func (m *mongoConn) close() error {
	m.stop()
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.store == nil {
		return nil
	}
	err := m.store.Close()
	m.store = nil
	m.err = errors.New("server closed")
	return err
}

// unreachable tells errors that mean MongoDB cannot be reached (the
// connection broke, or no server could be selected) from the others.
func unreachable(err error) bool {
	if errors.Is(err, errNoMongo) || errors.Is(err, mongo.ErrClientDisconnected) {
		return true
	}
	var sel topology.ServerSelectionError
	return mongo.IsNetworkError(err) || errors.As(err, &sel)
}
