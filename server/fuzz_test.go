package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/internal/results"
	"github.com/beamline/beamline/server"
	"github.com/beamline/beamline/transforms/table"
)

// publishSmall publishes spark/small, a dataset of every column kind with
// awkward values (empty, negative, unicode, quotes), and rejects/fuzz/small,
// as a pipeline's run would, and returns the database's URI.
func publishSmall(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	uri := mongotest.URI(t)
	s, err := mongostore.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	root := t.TempDir()
	write := func(path string, cols []table.Column, csv string) {
		dir := filepath.Join(root, path)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "part-00000.csv"), []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
		rows := int64(strings.Count(csv, "\n") - 1)
		fam, name, _ := strings.Cut(path, "/")
		if fam == table.Rejects {
			_, name, _ = strings.Cut(name, "/")
		}
		meta, _ := json.Marshal(results.Meta{Dataset: name, Family: fam, Path: path, Columns: cols, Rows: rows,
			Parts: []results.PartMeta{{File: "part-00000.csv", Rows: rows}}, RunID: "fuzz", ProducedAt: time.Now()})
		if err := os.WriteFile(filepath.Join(dir, results.SuccessFile), meta, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("spark/small", []table.Column{table.S("region"), table.I("n"), table.M("revenue"), table.D("share"), table.T("day"), table.B("ok")},
		"region,n,revenue,share,day,ok\n"+
			"North America,25,13099.66,0.4512,2024-08-01,true\n"+
			"Asia,-3,-0.01,,2024-02-29,false\n"+
			",0,0.00,1,,\n"+
			"\"Quoted, \"\"comma\"\"\",9223372036854775807,99999999.99,0.0001,1970-01-01,true\n"+
			"Ünïcödé ✓ 🌍,1,1.10,0.5,2099-12-31,false\n"+
			"$where,2,2.00,0.25,2024-01-01,true\n")
	write("rejects/fuzz/small", []table.Column{table.I("line"), table.S("reason"), table.S("raw")},
		"line,reason,raw\n2,quantity: not an integer,\"a,b,c\"\n3,sale_date: impossible date,\"x\"\"y\"\n")
	if err := publish.Begin(ctx, s, publish.Run{ID: "fuzz", Pipeline: "fuzz"}); err != nil {
		t.Fatal(err)
	}
	if err := publish.Publish(ctx, s, "fuzz", root, nil); err != nil {
		t.Fatal(err)
	}
	return uri
}

// FuzzResultsQuery sends arbitrary page, page_size, sort, order, q and
// format values through the real handlers of the paged, exported and
// rejects routes: the answer is never a 5xx nor a panic, a 400 names a
// parameter, and a 200 page is JSON with at most page_size rows.
// `go test -run XXX -fuzz FuzzResultsQuery ./server`.
func FuzzResultsQuery(f *testing.F) {
	for _, seed := range [][6]string{
		{"1", "50", "", "", "", ""},
		{"2", "2", "revenue", "desc", "", "json"},
		{"1", "1000", "region", "asc", "north", "csv"},
		{"0", "0", "nope", "up", "", "pdf"},
		{"-1", "1001", "$where", "DESC", `{"$gt":""}`, "xlsx"},
		{"1073741824", "1", "_id", "desc", ".*", "json"},
		{"1e3", "0x10", "day", "", "ü", ""},
		{"", "", "share", "desc", "\x00", "\x00"},
		{"99999999999999999999", " 1", "ok", "asc", strings.Repeat("q", 201), "CSV"},
		{"1", "3", "n", "desc", "2024", ""},
		{"\xff\xfe", "\u2028", "region\x00", "asc\n", "\xff", "json\r\n"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3], seed[4], seed[5])
	}
	uri := publishSmall(f)
	s, err := server.New(server.Config{MongoURI: uri, Log: logger(f), MongoCheck: 200 * time.Millisecond, CatalogueTTL: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	h := s.Handler()
	waitFor(f, h, "/api/results/spark/small", http.StatusOK, 30*time.Second)

	f.Fuzz(func(t *testing.T, page, size, sort, order, q, format string) {
		v := url.Values{}
		for k, x := range map[string]string{"page": page, "page_size": size, "sort": sort, "order": order, "q": q, "format": format} {
			if x != "" {
				v.Set(k, x)
			}
		}
		for _, path := range []string{"/api/results/spark/small", "/api/rejects/fuzz/small", "/api/export/spark/small"} {
			u := path + "?" + v.Encode()
			r := get(t, h, u)
			switch {
			case r.Code >= 500:
				t.Fatalf("GET %s: %d %s", u, r.Code, r.Body)
			case r.Code == http.StatusBadRequest:
				var e apiErr
				if err := json.Unmarshal([]byte(r.Body), &e); err != nil || !strings.HasPrefix(e.Error, "invalid ") {
					t.Fatalf("GET %s: 400 without a parameter: %s", u, r.Body)
				}
			case r.Code == http.StatusOK && !strings.HasPrefix(path, "/api/export/"):
				var p struct {
					Rows     []map[string]any
					PageSize int `json:"page_size"`
					Total    int
				}
				if err := json.Unmarshal([]byte(r.Body), &p); err != nil || len(p.Rows) > p.PageSize || p.Total > 6 {
					t.Fatalf("GET %s: %v, %d rows of page_size %d, total %d: %s", u, err, len(p.Rows), p.PageSize, p.Total, r.Body)
				}
			case r.Code != http.StatusOK:
				t.Fatalf("GET %s: %d %s", u, r.Code, r.Body)
			}
		}
	})
}
