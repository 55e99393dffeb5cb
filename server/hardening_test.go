package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/beamline/beamline/internal/launch"
	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/server"
)

// salesDB runs the sales pipeline on the reference data into a fresh
// database and returns its URI, the results root and the run id.
func salesDB(t *testing.T) (uri, out, run string) {
	t.Helper()
	uri, out = mongotest.URI(t), t.TempDir()
	pipelinetest.MustRun(t, pipelinetest.Build(t, "./pipelines/sales"), "--input", filepath.Join(pipelinetest.Repo(), "data/input"),
		"--output", out, "--mongo-uri", uri)
	return uri, out, lastRun(t, uri)
}

// lastRun returns the id of the newest run in the database at uri.
func lastRun(t *testing.T, uri string) string {
	t.Helper()
	s, err := server.New(server.Config{MongoURI: uri, Log: logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var list struct{ Runs []struct{ ID string } }
	waitFor(t, s.Handler(), "/api/runs", http.StatusOK, 30*time.Second)
	getJSON(t, s.Handler(), "/api/runs?limit=1", http.StatusOK, &list)
	if len(list.Runs) != 1 {
		t.Fatalf("no run in %s", uri)
	}
	return list.Runs[0].ID
}

// secretFile is a file outside the results that a traversal would reach.
const secretMark = "module github.com/beamline/beamline" // go.mod's first line

// TestHardening: bad paths, bad parameters, operator injection, limits,
// headers and CORS, on a database the sales pipeline published.
func TestHardening(t *testing.T) {
	uri, _, run := salesDB(t)
	ui := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>dash</title>")}}
	h := newServer(t, server.Config{MongoURI: uri, UI: ui})

	t.Run("traversal and unknown names", func(t *testing.T) { traversal(t, h, run) })
	t.Run("every query parameter", func(t *testing.T) { everyParameter(t, h) })
	t.Run("no operator injection", func(t *testing.T) { noInjection(t, h) })
	t.Run("security headers everywhere", func(t *testing.T) { headersEverywhere(t, h, run) })
	t.Run("cors off", func(t *testing.T) { corsOff(t, h) })
}

// traversal: every path parameter, given ../ in every spelling, a
// backslash, a NUL or an unknown name, answers 404 and never a file.
func traversal(t *testing.T, h http.Handler, run string) {
	evil := []string{
		"..", "..%2f..%2fgo.mod", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%2e%2e%2f%2e%2e%2fgo.mod", ".%2e/.%2e/go.mod",
		"..%5c..%5cgo.mod", `..\..\go.mod`, "%00", "sales_by_region%00", "sales_by_region%00.csv", "..%00", "%252e%252e%252fgo.mod",
		"nope", "Sales_By_Region", "sales_by_region.csv", "sales%20by%20region", "%c0%ae%c0%ae", "..;", "%2fetc%2fpasswd",
	}
	templates := []string{
		"/api/results/pig/%s", "/api/results/%s/sales_by_region", "/api/export/pig/%s", "/api/export/%s/sales_by_region",
		"/api/rejects/sales/%s", "/api/rejects/%s/sales", "/api/runs/%s", "/api/export/csv/%s",
	}
	for _, tmpl := range templates {
		for _, e := range evil {
			u := fmt.Sprintf(tmpl, e)
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.URL.Path, req.URL.RawPath = decode(t, u), u
			req.RequestURI = u
			r := do(t, h, req)
			if r.Code != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404: %.200s", u, r.Code, r.Body)
			}
			if strings.Contains(r.Body, secretMark) || strings.Contains(r.Body, "root:") {
				t.Errorf("GET %s served a file: %.200s", u, r.Body)
			}
		}
	}
	// the dashboard's files: a traversal is a missing file or the app's
	// index, never a file outside it
	for _, e := range evil {
		for _, u := range []string{"/" + e, "/assets/" + e, "/" + e + "/" + e + "/go.mod", "/" + e + "/etc/passwd"} {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.URL.Path, req.URL.RawPath, req.RequestURI = decode(t, u), u, u
			r := do(t, h, req)
			if (r.Code != http.StatusNotFound && r.Code != http.StatusOK) || strings.Contains(r.Body, secretMark) || strings.Contains(r.Body, "root:") ||
				(r.Code == http.StatusOK && !strings.Contains(r.Body, "<title>dash</title>")) {
				t.Errorf("GET %s: %d %.200s", u, r.Code, r.Body)
			}
		}
	}
	// the run exists: its id is accepted, with a suffix it is not
	if r := get(t, h, "/api/runs/"+run); r.Code != http.StatusOK {
		t.Errorf("GET /api/runs/%s: %d %s", run, r.Code, r.Body)
	}
	wantError(t, h, "/api/runs/"+run+"%2f..", http.StatusNotFound)
}

// decode turns an escaped path into what net/http puts in URL.Path.
func decode(t *testing.T, u string) string {
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + u + " HTTP/1.1\r\nHost: x\r\n\r\n")))
	if err != nil {
		// a path net/http itself refuses never reaches the handler; keep it raw
		return u
	}
	return req.URL.Path
}

// everyParameter reads the OpenAPI document and gives every query
// parameter of every route values it must refuse: 400 naming it.
func everyParameter(t *testing.T, h http.Handler) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name, In string
				Schema   struct {
					Type             string
					Enum             []string
					Minimum, Maximum *int64
				}
			}
		}
	}
	getJSON(t, h, "/api/openapi.json", http.StatusOK, &doc)
	fill := strings.NewReplacer("{family}", "pig", "{name}", "sales_by_region", "{pipeline}", "sales", "{dataset}", "sales",
		"{data_type}", "sales", "{id}", "x", "{run}", "x")
	tested := 0
	for p, ops := range doc.Paths {
		op, ok := ops["get"]
		if !ok {
			continue
		}
		for _, prm := range op.Parameters {
			if prm.In != "query" {
				continue
			}
			var bad []string
			switch {
			case prm.Schema.Type == "integer":
				bad = []string{"abc", "1.5", "1e3", "-1", "%201", "0x10", "99999999999999999999", "%00"}
				if prm.Schema.Minimum != nil {
					bad = append(bad, fmt.Sprint(*prm.Schema.Minimum-1))
				}
				if prm.Schema.Maximum != nil {
					bad = append(bad, fmt.Sprint(*prm.Schema.Maximum+1))
				}
			case len(prm.Schema.Enum) > 0:
				bad = []string{"nope", strings.ToUpper(prm.Schema.Enum[0]), prm.Schema.Enum[0] + "%00", "%24gt"}
			case prm.Name == "sort":
				bad = []string{"nope", "%24where", "region%00", "%7B%22%24gt%22%3A%22%22%7D"}
			case prm.Name == "q":
				bad = []string{strings.Repeat("x", 201)}
			default:
				t.Errorf("%s: query parameter %s has no bad values in this test", p, prm.Name)
				continue
			}
			for _, v := range bad {
				u := fill.Replace(p) + "?" + prm.Name + "=" + v
				wantError(t, h, u, http.StatusBadRequest, prm.Name)
				tested++
			}
		}
	}
	if tested < 40 {
		t.Errorf("only %d bad parameter values tried", tested)
	}
}

// noInjection: q and sort are text, never a MongoDB operator or a
// pattern: q is matched as a plain substring of the rows in memory, sort
// must name a column, ids must look like ids.
func noInjection(t *testing.T, h http.Handler) {
	var all, p struct{ Total int }
	getJSON(t, h, "/api/results/pig/sales_by_region", http.StatusOK, &all)
	if all.Total != 6 {
		t.Fatalf("sales_by_region has %d rows, want 6", all.Total)
	}
	for _, q := range []string{`{"$gt":""}`, `{"$ne":null}`, "$where", `.*`, `^`, `[a-z]`, `'; return true; //`, `this.region`} {
		getJSON(t, h, "/api/results/pig/sales_by_region?q="+urlQuery(q), http.StatusOK, &p)
		if p.Total != 0 {
			t.Errorf("q=%s matched %d rows: not plain text", q, p.Total)
		}
	}
	getJSON(t, h, "/api/results/pig/sales_by_region?q=NORTH", http.StatusOK, &p)
	if p.Total != 1 {
		t.Errorf("q=NORTH matched %d rows, want 1 (North America)", p.Total)
	}
	for _, v := range []string{"$where", `{"$gt":""}`, "$natural", "_id", "region.$"} {
		wantError(t, h, "/api/results/pig/sales_by_region?sort="+urlQuery(v), http.StatusBadRequest, "sort")
	}
	for _, id := range []string{`{"$ne":null}`, "$where", `{"$gt":""}`, "sales-*", ".*"} {
		wantError(t, h, "/api/runs/"+urlQuery(id), http.StatusNotFound)
	}
	for _, n := range []string{"$where", `{"$gt":""}`, "sales_by_region|", ".*"} {
		wantError(t, h, "/api/results/pig/"+urlQuery(n), http.StatusNotFound)
		wantError(t, h, "/api/rejects/sales/"+urlQuery(n), http.StatusNotFound)
	}
}

func urlQuery(s string) string {
	return strings.NewReplacer("%", "%25", "$", "%24", "{", "%7B", "}", "%7D", `"`, "%22", ":", "%3A", " ", "%20", "'", "%27",
		";", "%3B", "/", "%2F", "^", "%5E", "[", "%5B", "]", "%5D", "|", "%7C", "*", "%2A").Replace(s)
}

// headersEverywhere: every answer, success or error, carries the
// security headers.
func headersEverywhere(t *testing.T, h http.Handler, run string) {
	reqs := []*http.Request{}
	for _, u := range []string{"/healthz", "/metrics", "/api/openapi.json", "/api/system/status", "/api/sales/by-region", "/api/results",
		"/api/results/pig/sales_by_region?sort=revenue", "/api/results/pig/nope", "/api/results/pig/sales_by_region?page=0",
		"/api/export/pig/sales_by_region", "/api/export/pig/sales_by_region?format=xlsx", "/api/runs", "/api/runs/" + run,
		"/api/rejects", "/api/rejects/sales/sales", "/api/nope", "/", "/dashboard", "/nope.js"} {
		reqs = append(reqs, httptest.NewRequest(http.MethodGet, u, nil))
	}
	reqs = append(reqs,
		httptest.NewRequest(http.MethodPost, "/api/results", nil),
		httptest.NewRequest(http.MethodPost, "/api/jobs", strings.NewReader(`{"pipeline":"sales"}`)),
		httptest.NewRequest(http.MethodHead, "/api/results", nil),
		httptest.NewRequest(http.MethodDelete, "/api/runs/"+run, nil))
	for _, req := range reqs {
		r := do(t, h, req)
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if got := r.Header.Get(k); got != want {
				t.Errorf("%s %s (%d): %s = %q, want %q", req.Method, req.URL, r.Code, k, got, want)
			}
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s %s (%d): Content-Security-Policy %q", req.Method, req.URL, r.Code, csp)
		}
	}
}

// corsOff: with no origins configured no answer, preflight included,
// lets another origin in.
func corsOff(t *testing.T, h http.Handler) {
	for _, m := range []string{http.MethodGet, http.MethodOptions, http.MethodPost} {
		req := httptest.NewRequest(m, "/api/results", nil)
		req.Header.Set("Origin", "https://elsewhere.example")
		req.Header.Set("Access-Control-Request-Method", http.MethodGet)
		r := do(t, h, req)
		for k := range r.Header {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s with an Origin: CORS header %s: %s", m, k, r.Header.Get(k))
			}
		}
	}
}

// TestCORSConfigured: a configured origin is let in, for GET only;
// others are not.
func TestCORSConfigured(t *testing.T) {
	h := newServer(t, server.Config{CORSOrigins: []string{"https://dash.example"}})
	for _, c := range []struct {
		origin, method, want string
	}{
		{"https://dash.example", http.MethodGet, "https://dash.example"},
		{"https://dash.example", http.MethodOptions, "https://dash.example"},
		{"https://elsewhere.example", http.MethodGet, ""},
		{"https://elsewhere.example", http.MethodOptions, ""},
	} {
		req := httptest.NewRequest(c.method, "/healthz", nil)
		req.Header.Set("Origin", c.origin)
		req.Header.Set("Access-Control-Request-Method", http.MethodGet)
		r := do(t, h, req)
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != c.want {
			t.Errorf("%s from %s: Access-Control-Allow-Origin %q, want %q", c.method, c.origin, got, c.want)
		}
		if c.method == http.MethodOptions && c.want != "" {
			if m := r.Header.Get("Access-Control-Allow-Methods"); strings.Contains(m, "POST") || !strings.Contains(m, "GET") {
				t.Errorf("preflight allows methods %q, want GET and not POST", m)
			}
		}
	}
}

// TestRequestLimits: a body over 64 KiB is refused with 413, a client
// that sends its headers too slowly loses its connection, and a request
// that outlives RequestTimeout answers 503 "timeout".
func TestRequestLimits(t *testing.T) {
	uri, _, _ := salesDB(t)
	const token = "a-token-for-the-test"
	s, err := server.New(server.Config{MongoURI: uri, Token: token, ReadHeaderTimeout: 300 * time.Millisecond,
		Log: logger(t), MongoCheck: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	base := "http://" + ln.Addr().String()

	big := `{"pipeline":"sales","args":{"as_of":"` + strings.Repeat("x", 100<<10) + `"}}`
	req, _ := http.NewRequest(http.MethodPost, base+"/api/jobs", strings.NewReader(big))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "64 KiB") {
		t.Errorf("100 KiB body: %d %s, want 413", resp.StatusCode, b)
	}

	// slow headers: the server hangs up after ReadHeaderTimeout
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprint(conn, "GET /api/results HTTP/1.1\r\nHost: x\r\n") // and never the blank line
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, rerr := io.ReadAll(conn)
	if took := time.Since(start); rerr != nil || took > 3*time.Second {
		t.Errorf("slow headers: connection still open after %s (%v), want closed after ~300ms", took, rerr)
	}

	// the request's own deadline
	slow, err := server.New(server.Config{MongoURI: uri, RequestTimeout: time.Nanosecond, Log: logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	rctx, rcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer rcancel()
	if err := slow.Ready(rctx); err != nil {
		t.Fatal(err)
	}
	wantError(t, slow.Handler(), "/api/results/pig/sales_by_region?sort=revenue", http.StatusServiceUnavailable, "timeout")
}

// TestStateChangingRoutes: POST /api/jobs and POST /api/publish/<run> are
// off without BEAMLINE_TOKEN, refused without the right bearer token, and
// with it run a pipeline (its progress and result in /api/runs/<id>) and
// re-publish a committed run.
func TestStateChangingRoutes(t *testing.T) {
	uri, out, run := salesDB(t)
	const token = "a-test-token-not-a-secret"
	post := func(h http.Handler, u, auth, body string) response {
		req := httptest.NewRequest(http.MethodPost, u, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return do(t, h, req)
	}

	// no token configured: off, saying how to turn them on
	off := newServer(t, server.Config{MongoURI: uri})
	for _, u := range []string{"/api/jobs", "/api/publish/" + run} {
		for _, auth := range []string{"", "Bearer ", "Bearer anything"} {
			r := post(off, u, auth, `{"pipeline":"sales"}`)
			if r.Code != http.StatusForbidden || !strings.Contains(r.Body, "BEAMLINE_TOKEN") {
				t.Errorf("POST %s (%q) without a configured token: %d %s, want 403 naming BEAMLINE_TOKEN", u, auth, r.Code, r.Body)
			}
		}
	}

	bins := t.TempDir()
	if err := os.Symlink(pipelinetest.Build(t, "./pipelines/sales"), filepath.Join(bins, "sales")); err != nil {
		t.Fatal(err)
	}
	jobs := &server.Jobs{Bins: launch.Binaries{Dir: bins}, Output: out,
		Args: []string{"--input", filepath.Join(pipelinetest.Repo(), "data/input"), "--output", out, "--mongo-uri", uri}}
	h := newServer(t, server.Config{MongoURI: uri, Token: token, Jobs: jobs})

	// wrong or missing credentials: 401, nothing started
	for _, u := range []string{"/api/jobs", "/api/publish/" + run} {
		for _, auth := range []string{"", "Bearer", "Bearer ", "bearer " + token, "Basic " + token, "Bearer " + token + "x",
			"Bearer " + token[:len(token)-1], token, "Bearer  " + token} {
			r := post(h, u, auth, `{"pipeline":"sales"}`)
			if r.Code != http.StatusUnauthorized || r.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("POST %s with Authorization %q: %d %s, want 401", u, auth, r.Code, r.Body)
			}
		}
	}
	var list struct{ Runs []struct{ ID string } }
	getJSON(t, h, "/api/runs", http.StatusOK, &list)
	if len(list.Runs) != 1 {
		t.Fatalf("refused requests started runs: %+v", list.Runs)
	}

	// bad bodies: 400 naming the field
	bearer := "Bearer " + token
	for body, field := range map[string]string{
		``: "body", `nope`: "body", `{"pipeline":"sales"} {}`: "body", `{"pipeline":"sales","x":1}`: "body",
		`{"pipeline":"ingest"}`: "pipeline", `{"pipeline":"../sales"}`: "pipeline", `{}`: "pipeline",
		`{"pipeline":"sales","args":{"output":"/etc"}}`:         "args.output",
		`{"pipeline":"sales","args":{"as_of":"2025-07-01"}}`:    "args.as_of",
		`{"pipeline":"advanced","args":{"as_of":"--help"}}`:     "args.as_of",
		`{"pipeline":"advanced","args":{"as_of":"2025-13-01"}}`: "args.as_of",
		`{"pipeline":"sales","args":{"as_of":["2025-07-01"]}}`:  "body",
	} {
		r := post(h, "/api/jobs", bearer, body)
		var e apiErr
		if json.Unmarshal([]byte(r.Body), &e); r.Code != http.StatusBadRequest || !strings.Contains(e.Error+e.Detail, field) {
			t.Errorf("POST /api/jobs %s: %d %s, want 400 naming %s", body, r.Code, r.Body, field)
		}
	}

	// a job: 202 with its run id, then its progress and result
	r := post(h, "/api/jobs", bearer, `{"pipeline":"sales"}`)
	var started struct {
		RunID string `json:"run_id"`
		Run   string `json:"run"`
	}
	if err := json.Unmarshal([]byte(r.Body), &started); r.Code != http.StatusAccepted || err != nil || !strings.HasPrefix(started.RunID, "sales-") ||
		started.Run != "/api/runs/"+started.RunID {
		t.Fatalf("POST /api/jobs: %d %s", r.Code, r.Body)
	}
	var doc struct {
		Status   string
		Datasets []struct{ Path string }
		Progress *struct {
			Stage   string
			Read    int64
			Written int64
		}
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		getJSON(t, h, "/api/runs/"+started.RunID, http.StatusOK, &doc)
		if doc.Status == "published" || doc.Status == "failed" || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if doc.Status != "published" || len(doc.Datasets) == 0 || doc.Progress == nil || doc.Progress.Read == 0 {
		t.Fatalf("run %s: %+v", started.RunID, doc)
	}
	// the new run is served (the catalogue was refreshed)
	waitRun := time.Now().Add(10 * time.Second)
	for {
		var page struct {
			RunID string `json:"run_id"`
		}
		getJSON(t, h, "/api/results/pig/sales_by_region", http.StatusOK, &page)
		if page.RunID == started.RunID {
			break
		}
		if time.Now().After(waitRun) {
			t.Fatalf("sales_by_region still from run %s, want %s", page.RunID, started.RunID)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// re-publish: a published run is refused; once its publication has
	// failed (which removes its rows), its committed datasets are loaded
	// again and served; a replaced run's datasets are gone from the root
	if r := post(h, "/api/publish/"+started.RunID, bearer, ""); r.Code != http.StatusConflict || !strings.Contains(r.Body, "already published") {
		t.Errorf("POST /api/publish/%s (published): %d %s, want 409", started.RunID, r.Code, r.Body)
	}
	st, err := mongostore.Connect(context.Background(), uri)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := publish.Fail(context.Background(), st, started.RunID, errors.New("publication lost (test)")); err != nil {
		t.Fatal(err)
	}
	if r := post(h, "/api/publish/"+started.RunID, bearer, ""); r.Code != http.StatusOK || !strings.Contains(r.Body, `"status":"published"`) {
		t.Errorf("POST /api/publish/%s (failed): %d %s", started.RunID, r.Code, r.Body)
	}
	wantBody := func() {
		var page struct {
			RunID string `json:"run_id"`
			Total int
		}
		getJSON(t, h, "/api/results/pig/sales_by_region", http.StatusOK, &page)
		if page.RunID != started.RunID || page.Total != 6 {
			t.Errorf("after re-publishing: sales_by_region %+v", page)
		}
	}
	wantBody()
	if err := publish.Fail(context.Background(), st, run, errors.New("test")); err != nil {
		t.Fatal(err)
	}
	if r := post(h, "/api/publish/"+run, bearer, ""); r.Code != http.StatusConflict || !strings.Contains(r.Body, "replaced") {
		t.Errorf("POST /api/publish/%s (replaced): %d %s, want 409", run, r.Code, r.Body)
	}
	for _, id := range []string{"no-such-run", "..", "..%2f..%2fetc", "%24where", "x%00"} {
		if r := post(h, "/api/publish/"+id, bearer, ""); r.Code != http.StatusNotFound {
			t.Errorf("POST /api/publish/%s: %d %s, want 404", id, r.Code, r.Body)
		}
	}
}
