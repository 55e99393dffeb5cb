// Package mongotest gives tests a real MongoDB-protocol server: the
// embedded FerretDB started in-process once per test package, or the
// MongoDB named by $MONGODB_URI when it is set (so the same tests run
// against a MongoDB 7). Each test gets a database of its own. It also
// checks that the tests sent no command outside mongostore.Operations.
package mongotest

import (
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"

	"github.com/beamline/beamline/internal/mongoembed"
	"github.com/beamline/beamline/internal/mongostore"
)

var (
	uri  string
	mu   sync.Mutex
	seen = map[string]bool{}
	n    int
)

// Main runs a test package's tests with a MongoDB server: call it from
// TestMain as os.Exit(mongotest.Main(m)).
func Main(m *testing.M) int {
	mongostore.Monitor = &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		ops := Describe(e.CommandName, e.Command)
		mu.Lock()
		for _, op := range ops {
			seen[op] = true
		}
		mu.Unlock()
	}}
	uri = os.Getenv(mongostore.EnvURI)
	if uri == "" {
		dir, err := os.MkdirTemp("", "beamline-mongo-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		srv, err := mongoembed.Start(dir, "127.0.0.1:0", nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer srv.Close()
		uri = srv.URI()
	}
	code := m.Run()
	if bad := Unexpected(); len(bad) > 0 && code == 0 {
		fmt.Fprintf(os.Stderr, "FAIL: MongoDB commands outside mongostore.Operations were sent: %v\n", bad)
		code = 1
	}
	return code
}

// Unexpected returns the commands seen so far that are not in
// mongostore.Operations.
func Unexpected() []string {
	allowed := map[string]bool{}
	for _, op := range mongostore.Operations {
		allowed[op] = true
	}
	mu.Lock()
	defer mu.Unlock()
	var bad []string
	for c := range seen {
		if !allowed[c] {
			bad = append(bad, c)
		}
	}
	sort.Strings(bad)
	return bad
}

// Seen returns the commands seen so far, sorted.
func Seen() []string {
	mu.Lock()
	defer mu.Unlock()
	var out []string
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Describe names what a command asks of the server: the command, and for an
// aggregate each stage ("aggregate $match") and each $group accumulator
// ("aggregate $group $sum"), since FerretDB implements only some of them.
func Describe(name string, cmd bson.Raw) []string {
	if name != "aggregate" {
		return []string{name}
	}
	out := []string{name}
	stages, _ := cmd.Lookup("pipeline").Array().Values()
	for _, st := range stages {
		doc, ok := st.DocumentOK()
		if !ok {
			continue
		}
		elems, _ := doc.Elements()
		for _, el := range elems {
			out = append(out, "aggregate "+el.Key())
			if el.Key() != "$group" {
				continue
			}
			fields, _ := el.Value().Document().Elements()
			for _, f := range fields {
				if acc, ok := f.Value().DocumentOK(); ok {
					accs, _ := acc.Elements()
					for _, a := range accs {
						out = append(out, "aggregate $group "+a.Key())
					}
				}
			}
		}
	}
	return out
}

var unsafe = regexp.MustCompile(`[^a-zA-Z0-9_]+`)

// URI returns a URI naming a fresh database for t, dropped when t ends.
func URI(t testing.TB) string {
	t.Helper()
	if uri == "" {
		t.Fatal("mongotest: call mongotest.Main from TestMain")
	}
	mu.Lock()
	n++
	name := fmt.Sprintf("t%d_%s", n, unsafe.ReplaceAllString(t.Name(), "_"))
	mu.Unlock()
	if len(name) > 40 {
		name = name[:40]
	}
	u := withDatabase(uri, name)
	t.Cleanup(func() {
		s, err := mongostore.Connect(context.Background(), u)
		if err == nil {
			s.DB.Drop(context.Background())
			s.Close()
		}
	})
	return u
}

// Store connects to a fresh database for t.
func Store(t testing.TB) *mongostore.Store {
	t.Helper()
	s, err := mongostore.Connect(context.Background(), URI(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// withDatabase puts db in the path of a mongodb:// URI, keeping its query.
func withDatabase(u, db string) string {
	rest, query, _ := strings.Cut(u, "?")
	scheme, hostpath, _ := strings.Cut(rest, "://")
	host, _, _ := strings.Cut(hostpath, "/")
	out := scheme + "://" + host + "/" + db
	if query != "" {
		out += "?" + query
	}
	return out
}

// FreeAddr returns a loopback address nothing listens on, for tests that
// run their own embedded server on a fixed address so that they can stop
// it and start it again where clients expect it.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
