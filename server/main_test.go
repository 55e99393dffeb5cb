package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/server"
)

func TestMain(m *testing.M) {
	code := mongotest.Main(m)
	pipelinetest.Cleanup()
	os.Exit(code)
}

// asOf is the date pipelines/advanced/golden_test.go pins, for which the
// spec's [golden] RFM segments hold.
const asOf = "2025-07-01"

// Bad rows appended to the reference inputs, so that ingest rejects them:
// 3 sales (a quantity that is not an integer, an impossible date, a
// duplicate of T001) and 2 employees (an age that is not an integer, a
// missing salary).
var (
	badSales = "T900,P900,Widget,Gadgets,abc,1.00,1.00,C900,Zed Zero,2024-08-02,Europe,Ann Lee\n" +
		"T901,P900,Widget,Gadgets,1,1.00,1.00,C901,Zed One,2024-13-45,Europe,Ann Lee\n" +
		"T001,P101,Laptop Pro,Electronics,2,1299.99,2599.98,C001,Alice Johnson,2024-08-01,North America,John Doe\n"
	badEmployees = "51,Bad Age,abc,London,50000,HR,2020-01-01,Active\n" +
		"52,No Salary,30,Paris,,HR,2020-01-01,Active\n"
)

// loadReference runs the real pipelines on the reference data (with the
// bad rows above) and publishes every run into the database at uri, as
// `beamline up` does: ingest (with the seed documents), employees, sales,
// advanced (--as-of pinned), mongo.
func loadReference(t *testing.T, uri string) {
	t.Helper()
	repo := pipelinetest.Repo()
	raw, clean, out := t.TempDir(), t.TempDir(), t.TempDir()
	for file, bad := range map[string]string{"sales_data.csv": badSales, "sample_data.csv": badEmployees} {
		b, err := os.ReadFile(filepath.Join(repo, "data/input", file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(b, []byte("\n")) { // the reference files end without one
			b = append(b, '\n')
		}
		if err := os.WriteFile(filepath.Join(raw, file), append(b, bad...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	common := []string{"--input", clean, "--output", out, "--mongo-uri", uri}
	steps := []struct {
		pkg  string
		args []string
	}{
		{"./pipelines/ingest", []string{"--from", raw, "--docs", filepath.Join(repo, "data/mongo")}},
		{"./pipelines/employees", nil},
		{"./pipelines/sales", nil},
		{"./pipelines/advanced", []string{"--as-of", asOf}},
		{"./pipelines/mongo", nil},
	}
	for _, st := range steps {
		bin := pipelinetest.Build(t, st.pkg)
		r := pipelinetest.MustRun(t, bin, append(append([]string{}, common...), st.args...)...)
		if !strings.Contains(r.Stdout, "published run") {
			t.Fatalf("%s did not publish:\n%s", st.pkg, r.Stdout)
		}
	}
}

// logger writes the server's log to the test's log.
func logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// newServer starts a server on uri and waits until it has connected.
func newServer(t testing.TB, cfg server.Config) http.Handler {
	t.Helper()
	if cfg.Log == nil {
		cfg.Log = logger(t)
	}
	if cfg.MongoCheck == 0 {
		cfg.MongoCheck = 200 * time.Millisecond
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	h := s.Handler()
	if cfg.MongoURI != "" {
		waitFor(t, h, "/api/results", http.StatusOK, 30*time.Second)
	}
	return h
}

// waitFor polls url until it answers status.
func waitFor(t testing.TB, h http.Handler, url string, status int, within time.Duration) response {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		r := get(t, h, url)
		if r.Code == status {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: still %d after %s, want %d: %s", url, r.Code, within, status, r.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type response struct {
	Code   int
	Header http.Header
	Body   string
}

func get(t testing.TB, h http.Handler, url string) response {
	t.Helper()
	return do(t, h, httptest.NewRequest(http.MethodGet, url, nil))
}

func do(t testing.TB, h http.Handler, req *http.Request) response {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	b, _ := io.ReadAll(w.Result().Body)
	return response{Code: w.Code, Header: w.Result().Header, Body: string(b)}
}

// getJSON GETs url, checks the status and decodes the body into v.
func getJSON(t testing.TB, h http.Handler, url string, status int, v any) response {
	t.Helper()
	r := get(t, h, url)
	if r.Code != status {
		t.Fatalf("GET %s: %d, want %d: %s", url, r.Code, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q", url, ct)
	}
	if v != nil {
		d := json.NewDecoder(strings.NewReader(r.Body))
		d.UseNumber()
		if err := d.Decode(v); err != nil {
			t.Fatalf("GET %s: %v in %s", url, err, r.Body)
		}
	}
	return r
}

// apiErr is the body of every error.
type apiErr struct {
	Error  string `json:"error"`
	Detail string `json:"detail"`
}

// wantError checks that url answers status with an error naming each of
// words in its error or detail.
func wantError(t testing.TB, h http.Handler, url string, status int, words ...string) apiErr {
	t.Helper()
	var e apiErr
	getJSON(t, h, url, status, &e)
	if e.Error == "" || e.Detail == "" {
		t.Fatalf("GET %s: error body %+v lacks error or detail", url, e)
	}
	for _, w := range words {
		if !strings.Contains(e.Error+" "+e.Detail, w) {
			t.Errorf("GET %s: error %+v does not mention %q", url, e, w)
		}
	}
	return e
}
