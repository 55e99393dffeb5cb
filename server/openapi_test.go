package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestOpenAPIMatchesRoutes: every /api route Echo serves is in
// /api/openapi.json with its method and path parameters, every documented
// path is served, and every $ref resolves.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d", w.Code)
	}
	var doc struct {
		OpenAPI    string                                       `json:"openapi"`
		Paths      map[string]map[string]operationDoc           `json:"paths"`
		Components struct{ Schemas map[string]json.RawMessage } `json:"components"`
	}
	raw := w.Body.String()
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}

	served := map[string]bool{}
	for _, r := range s.echo.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") || r.Path == "/api/*" {
			continue
		}
		p := openAPIPath(r.Path)
		served[strings.ToLower(r.Method)+" "+p] = true
		op, ok := doc.Paths[p][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s is served but not documented", r.Method, r.Path)
			continue
		}
		if op.Summary == "" || (op.Responses["200"] == nil && op.Responses["202"] == nil) || op.Responses["500"] == nil {
			t.Errorf("%s %s: summary %q, responses %v", r.Method, p, op.Summary, op.Responses)
		}
		// the routes that change state say they need the token
		if r.Method != http.MethodGet && (len(op.Security) == 0 || op.Responses["401"] == nil || op.Responses["403"] == nil) {
			t.Errorf("%s %s: security %v, responses %v: want the bearer token and 401/403", r.Method, p, op.Security, op.Responses)
		}
	}
	placeholder := regexp.MustCompile(`\{([a-z_]+)\}`)
	for p, ops := range doc.Paths {
		for method, op := range ops {
			if strings.HasPrefix(p, "/api/") && !served[method+" "+p] {
				t.Errorf("%s %s is documented but not served", method, p)
			}
			var inPath, documented []string
			for _, m := range placeholder.FindAllStringSubmatch(p, -1) {
				inPath = append(inPath, m[1])
			}
			for _, prm := range op.Parameters {
				if prm.In == "path" {
					documented = append(documented, prm.Name)
					if !prm.Required {
						t.Errorf("%s: path parameter %s not required", p, prm.Name)
					}
				}
				if prm.Schema["type"] == nil || prm.Description == "" {
					t.Errorf("%s: parameter %s lacks a type or description", p, prm.Name)
				}
			}
			slices.Sort(inPath)
			slices.Sort(documented)
			if !slices.Equal(inPath, documented) {
				t.Errorf("%s: path parameters %v, documented %v", p, inPath, documented)
			}
		}
	}
	// the paging parameters of the paged routes
	for _, p := range []string{"/api/results/{family}/{name}", "/api/rejects/{pipeline}/{dataset}"} {
		var names []string
		for _, prm := range doc.Paths[p]["get"].Parameters {
			if prm.In == "query" {
				names = append(names, prm.Name)
			}
		}
		if strings.Join(names, ",") != "page,page_size,sort,order,q" {
			t.Errorf("%s query parameters %v", p, names)
		}
	}
	if _, ok := doc.Paths["/healthz"]["get"]; !ok {
		t.Errorf("/healthz is not documented")
	}
	for _, m := range regexp.MustCompile(`"\$ref":\s*"#/components/schemas/([A-Za-z]+)"`).FindAllStringSubmatch(raw, -1) {
		if doc.Components.Schemas[m[1]] == nil {
			t.Errorf("$ref to missing schema %s", m[1])
		}
	}
}

type operationDoc struct {
	Summary    string `json:"summary"`
	Parameters []struct {
		Name        string         `json:"name"`
		In          string         `json:"in"`
		Required    bool           `json:"required"`
		Description string         `json:"description"`
		Schema      map[string]any `json:"schema"`
	} `json:"parameters"`
	Responses map[string]any   `json:"responses"`
	Security  []map[string]any `json:"security"`
}

// TestPanicIsA500WithoutStack: a handler that panics answers a plain 500
// (the stack goes to the log only) and counts as an error of its route.
func TestPanicIsA500WithoutStack(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.echo.GET("/api/boom", func(c echo.Context) error { panic("secret detail of the failure") })
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/boom", nil))
	body := w.Body.String()
	if w.Code != http.StatusInternalServerError || !strings.Contains(body, `"error":"internal error"`) {
		t.Fatalf("panic: %d %s", w.Code, body)
	}
	for _, leak := range []string{"secret", "goroutine", "panic", ".go:"} {
		if strings.Contains(body, leak) {
			t.Errorf("500 body leaks %q: %s", leak, body)
		}
	}
	w = httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if !strings.Contains(w.Body.String(), `beamline_http_errors_total{route="/api/boom"} 1`) {
		t.Errorf("errors_total after a panic:\n%s", w.Body.String())
	}
}
