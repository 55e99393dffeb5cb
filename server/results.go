package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/singleflight"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/transforms/table"
)

// Paging limits.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
	maxPage         = 1 << 30
	maxQuery        = 200 // bytes of q
)

// catalogue caches the list of published datasets: every dataset request
// starts by finding its dataset there. After CatalogueTTL it is refreshed in
// the background while the previous list is served.
type catalogue struct {
	group singleflight.Group
	mu    sync.Mutex
	at    time.Time
	list  []publish.Dataset
}

// store returns the MongoDB store, or a 503 saying why there is none.
func (s *Server) store() (*mongostore.Store, error) {
	st, err := s.mongo.get()
	if err != nil {
		return nil, unavailable(err)
	}
	return st, nil
}

// mongoCtx bounds a request's work on MongoDB.
func (s *Server) mongoCtx(c echo.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), s.cfg.MongoTimeout)
}

// datasets returns every published dataset (rejects too), by path.
func (s *Server) datasets(ctx context.Context) ([]publish.Dataset, error) {
	st, err := s.store()
	if err != nil {
		return nil, err
	}
	s.cat.mu.Lock()
	stale, fresh := s.cat.list, time.Since(s.cat.at) < s.cfg.CatalogueTTL
	s.cat.mu.Unlock()
	if stale != nil && fresh {
		return stale, nil
	}
	ch := s.cat.group.DoChan("catalogue", func() (any, error) {
		// not bound to the first asker's request: the others wait for it too
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.MongoTimeout)
		defer cancel()
		list, err := publish.Catalogue(cctx, st)
		if err != nil {
			return nil, err
		}
		s.cat.mu.Lock()
		s.cat.list, s.cat.at = list, time.Now()
		s.cat.mu.Unlock()
		return list, nil
	})
	if stale != nil {
		// Expired, not forgotten: serve it while the refresh runs in the
		// background, so no request waits for the catalogue (a new run
		// shows within CatalogueTTL plus one read of it).
		return stale, nil
	}
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.([]publish.Dataset), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("MongoDB %s: reading the published datasets: %w", st.DB.Name(), ctx.Err())
	}
}

// forget drops the cached catalogue: a dataset it lists was replaced.
func (s *Server) forget() {
	s.cat.mu.Lock()
	s.cat.list = nil
	s.cat.mu.Unlock()
}

// lookup returns the published dataset at path, or a 404 saying so.
func (s *Server) lookup(ctx context.Context, path string) (publish.Dataset, error) {
	all, err := s.datasets(ctx)
	if err != nil {
		return publish.Dataset{}, err
	}
	for _, d := range all {
		if d.Path == path {
			return d, nil
		}
	}
	return publish.Dataset{}, notFound("no published dataset %s", path)
}

// withDataset runs fn on the dataset at path, once more on a fresh
// catalogue if a newer run replaced the dataset while fn read it.
func (s *Server) withDataset(ctx context.Context, path string, fn func(publish.Dataset) error) error {
	for attempt := 0; ; attempt++ {
		d, err := s.lookup(ctx, path)
		if err != nil {
			return err
		}
		err = fn(d)
		if attempt == 0 && errors.Is(err, publish.ErrNoDataset) {
			s.forget()
			continue
		}
		return err
	}
}

// resultPath checks a family and name from the URL and returns the
// dataset's path; user input never reaches the filesystem, only this
// lookup in the catalogue.
func resultPath(family, name string) (string, error) {
	if family != table.Pig && family != table.Spark {
		return "", notFound("no dataset family %q: want pig or spark", family)
	}
	if !table.ValidName(name) {
		return "", notFound("no published dataset %s/%s", family, name)
	}
	return family + "/" + name, nil
}

// datasetInfo is a dataset in /api/results.
type datasetInfo struct {
	Family     string         `json:"family"`
	Name       string         `json:"name"`
	Path       string         `json:"path"`
	Analysis   string         `json:"analysis"`
	Pipeline   string         `json:"pipeline"`
	Columns    []table.Column `json:"columns"`
	Order      string         `json:"order"`
	Rows       int64          `json:"rows"`
	RunID      string         `json:"run_id"`
	ProducedAt time.Time      `json:"produced_at"`
}

// listResults is GET /api/results: every published pig and spark dataset.
func (s *Server) listResults(c echo.Context) error {
	ctx, cancel := s.mongoCtx(c)
	defer cancel()
	all, err := s.datasets(ctx)
	if err != nil {
		return err
	}
	out := []datasetInfo{}
	for _, d := range all {
		if d.Family != table.Pig && d.Family != table.Spark {
			continue
		}
		out = append(out, datasetInfo{Family: d.Family, Name: d.Path[len(d.Family)+1:], Path: d.Path,
			Analysis: d.Analysis, Pipeline: d.Pipeline, Columns: d.Columns, Order: d.Order, Rows: d.Rows,
			RunID: d.RunID, ProducedAt: d.ProducedAt})
	}
	return c.JSON(http.StatusOK, map[string]any{"datasets": out})
}

// resultPage is GET /api/results/:family/:name.
func (s *Server) resultPage(c echo.Context) error {
	path, err := resultPath(c.Param("family"), c.Param("name"))
	if err != nil {
		return err
	}
	return s.page(c, path, false)
}

// pageQuery is a page request's parameters.
type pageQuery struct {
	page, size int64
	sort       string
	desc       bool
	q          string
}

func parsePageQuery(c echo.Context) (pageQuery, error) {
	p := pageQuery{page: 1, size: defaultPageSize}
	var err error
	if p.page, err = intParam(c, "page", 1, 1, maxPage); err != nil {
		return p, err
	}
	if p.size, err = intParam(c, "page_size", defaultPageSize, 1, maxPageSize); err != nil {
		return p, err
	}
	p.sort = c.QueryParam("sort")
	switch o := c.QueryParam("order"); o {
	case "", "asc":
	case "desc":
		p.desc = true
	default:
		return p, badParam("order", "want asc or desc, got %q", o)
	}
	p.q = strings.TrimSpace(c.QueryParam("q"))
	if len(p.q) > maxQuery {
		return p, badParam("q", "at most %d bytes, got %d", maxQuery, len(p.q))
	}
	return p, nil
}

// intParam reads an integer query parameter within [lo, hi].
func intParam(c echo.Context, name string, def, lo, hi int64) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, badParam(name, "want an integer from %d to %d, got %q", lo, hi, v)
	}
	return n, nil
}

// page answers a page of the dataset at path: in its own order straight
// from MongoDB, sorted or searched from its frame.
func (s *Server) page(c echo.Context, path string, rejects bool) error {
	pq, err := parsePageQuery(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.mongoCtx(c)
	defer cancel()
	return s.withDataset(ctx, path, func(d publish.Dataset) error {
		col := -1
		if pq.sort != "" {
			if col = slices.IndexFunc(d.Columns, func(c table.Column) bool { return c.Name == pq.sort }); col < 0 {
				return badParam("sort", "%s has no column %q; its columns are %s", d.Path, pq.sort, columnNames(d.Columns))
			}
		}
		st, err := s.store()
		if err != nil {
			return err
		}
		offset := (pq.page - 1) * pq.size
		var (
			rows  [][]any
			total int64
		)
		if col < 0 && pq.q == "" && d.Rows > frameRows {
			total = d.Rows
			rows, err = defaultOrderPage(ctx, st, d, offset, pq.size, pq.desc)
		} else {
			// bounded by the request's timeout, not MongoTimeout: reading a
			// large dataset whole takes a while
			var f *frame
			f, err = s.frames.get(c.Request().Context(), d, func(ctx context.Context) (*frame, error) { return loadFrame(ctx, st, d) })
			if err == nil {
				idx := f.view(col, pq.desc, pq.q)
				total = int64(f.n)
				if idx != nil {
					total = int64(len(idx))
				}
				for i := offset; i < min(offset+pq.size, total); i++ {
					r := int(i)
					if idx != nil {
						r = int(idx[i])
					}
					rows = append(rows, f.row(r))
				}
			}
		}
		if err != nil {
			return err
		}
		b := []byte(`{"columns":`)
		cols, _ := json.Marshal(d.Columns)
		b = append(b, cols...)
		b = append(b, `,"rows":[`...)
		for i, r := range rows {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendRow(b, d.Columns, r)
		}
		b = append(b, `],"page":`...)
		b = strconv.AppendInt(b, pq.page, 10)
		b = append(b, `,"page_size":`...)
		b = strconv.AppendInt(b, pq.size, 10)
		b = append(b, `,"total":`...)
		b = strconv.AppendInt(b, total, 10)
		b = append(b, `,"run_id":`...)
		b = appendString(b, d.RunID)
		b = append(b, `,"produced_at":`...)
		at, _ := json.Marshal(d.ProducedAt)
		b = append(b, at...)
		if rejects {
			reasons := d.Reasons
			if reasons == nil {
				reasons = []publish.ReasonCount{}
			}
			rs, _ := json.Marshal(reasons)
			b = append(b, `,"reasons":`...)
			b = append(b, rs...)
		}
		b = append(b, '}')
		return c.JSONBlob(http.StatusOK, b)
	})
}

// frameRows is the size up to which a dataset's pages in its own order
// come from its frame (read from MongoDB once, kept in memory) rather than
// from MongoDB on every request.
const frameRows = 100_000

// defaultOrderPage reads a page in the dataset's order (or its reverse)
// by _id: one or a few chunk reads whatever the dataset's size.
func defaultOrderPage(ctx context.Context, st *mongostore.Store, d publish.Dataset, offset, size int64, desc bool) ([][]any, error) {
	from, n := offset, size
	if desc {
		end := d.Rows - offset
		from = max(end-size, 0)
		n = max(end-from, 0)
	}
	page, err := publish.Page(ctx, st, d, from, n)
	if err != nil {
		return nil, err
	}
	rows := make([][]any, len(page))
	for i, r := range page {
		rows[i] = r
	}
	if desc {
		slices.Reverse(rows)
	}
	return rows, nil
}

func columnNames(cols []table.Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}
