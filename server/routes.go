package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// route is one route and what the OpenAPI document says of it: one table
// serves both, so that what is served is what is documented.
type route struct {
	Method  string
	Path    string // Echo's pattern: /api/results/:family/:name
	handler echo.HandlerFunc
	Doc     bool // in /api/openapi.json (not the UI and the /api/* fallback)
	Summary string
	Params  []param
	Content []string // media types of a 200 answer that is not JSON
	Schema  string   // the 200 answer's schema, a name in components.schemas
	Errors  []int    // error statuses the route answers besides 500
	Auth    bool     // changes state: needs the bearer token, off without one
	Body    string   // the request body's schema, a name in components.schemas
	OK      int      // the success status, when not 200
}

// param is a path or query parameter.
type param struct {
	Name     string
	In       string // "path" or "query"
	Type     string // "string" or "integer"
	Desc     string
	Enum     []string
	Min, Max int64 // for integers, when Max > 0
	Default  any
}

var (
	pageParams = []param{
		{Name: "page", In: "query", Type: "integer", Desc: "page number, from 1", Min: 1, Max: maxPage, Default: 1},
		{Name: "page_size", In: "query", Type: "integer", Desc: "rows per page", Min: 1, Max: maxPageSize, Default: defaultPageSize},
		{Name: "sort", In: "query", Type: "string", Desc: "a column of the dataset: numeric columns sort numerically, empty values last, ties in the dataset's own order; default: the dataset's own order"},
		{Name: "order", In: "query", Type: "string", Desc: "asc or desc (without sort: the dataset's own order or its reverse)", Enum: []string{"asc", "desc"}, Default: "asc"},
		{Name: "q", In: "query", Type: "string", Desc: "keeps the rows where a text or date column contains q, ignoring case; total counts them"},
	}
	familyParams = []param{
		{Name: "family", In: "path", Type: "string", Desc: "pig or spark", Enum: []string{"pig", "spark"}},
		{Name: "name", In: "path", Type: "string", Desc: "a published dataset of the family (see /api/results)"},
	}
)

func (s *Server) routes() []route {
	get := http.MethodGet
	unavailable := []int{http.StatusServiceUnavailable}
	return []route{
		{Method: get, Path: "/healthz", handler: healthz, Doc: true, Summary: "200 while the process serves (no dependency checks)", Schema: "Health"},
		{Method: get, Path: "/metrics", handler: echo.WrapHandler(s.metrics.handler()), Doc: true,
			Summary: "Prometheus metrics: beamline_http_requests_total{route,method,code}, beamline_http_request_duration_seconds{route,method}, beamline_http_errors_total{route}",
			Content: []string{"text/plain"}},
		{Method: get, Path: "/api/openapi.json", handler: s.serveOpenAPI, Doc: true, Summary: "this document", Schema: "OpenAPI"},
		{Method: get, Path: "/api/system/status", handler: s.systemStatus, Doc: true, Schema: "Status",
			Summary: "MongoDB, HDFS and the Beam job service probed concurrently, and the API's own counters"},

		{Method: get, Path: "/api/sales/by-region", handler: s.salesByRegion, Doc: true, Schema: "SalesByRegion", Errors: []int{404, 503},
			Summary: "sales per region (pig/sales_by_region), by total_sales descending then region"},
		{Method: get, Path: "/api/sales/by-category", handler: s.salesByCategory, Doc: true, Schema: "SalesByCategory", Errors: []int{404, 503},
			Summary: "sales per category (pig/sales_by_category); avg_price is the mean unit price, revenue_per_unit total_sales / total_quantity"},
		{Method: get, Path: "/api/analytics/pig-results", handler: s.pigResults, Doc: true, Schema: "PigResults", Errors: []int{404, 503},
			Summary: "departments, age groups and cities (pig/department_statistics, age_group_analysis, city_analysis); total_salary is null unless department_statistics has a total_salary column"},
		{Method: get, Path: "/api/analytics/spark-results", handler: s.sparkResults, Doc: true, Schema: "SparkResults", Errors: []int{404, 503},
			Summary: "customer segments (spark/customer_rfm_analysis), regions (pig/sales_by_region), top products (pig/top_products) with their % of the total revenue (pig/sales_kpi_global)"},
		{Method: get, Path: "/api/mongodb/collections", handler: s.mongoCollections, Doc: true, Schema: "Collections", Errors: unavailable,
			Summary: "every collection with its document count and its first 3 documents by _id (_id as a string; strings cut at 512 bytes)"},
		{Method: get, Path: "/api/export/csv/:data_type", handler: s.exportOriginal, Doc: true, Content: []string{"text/csv"}, Errors: []int{404, 503},
			Summary: "the original's CSV downloads, <data_type>_export.csv: sales (spark/mongo_unified_sales) or departments (pig/department_statistics)",
			Params:  []param{{Name: "data_type", In: "path", Type: "string", Desc: "what to export", Enum: []string{"sales", "departments"}}}},

		{Method: get, Path: "/api/results", handler: s.listResults, Doc: true, Schema: "DatasetList", Errors: unavailable,
			Summary: "every published pig and spark dataset: its columns, order, rows and run"},
		{Method: get, Path: "/api/results/:family/:name", handler: s.resultPage, Doc: true, Schema: "Page", Errors: []int{400, 404, 503},
			Summary: "a page of a dataset, sorted and searched on request", Params: append(append([]param{}, familyParams...), pageParams...)},
		{Method: get, Path: "/api/export/:family/:name", handler: s.exportResult, Doc: true,
			Content: []string{"text/csv", "application/json", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, Errors: []int{400, 404, 503},
			Summary: "the whole dataset as an attachment <name>.csv (header = its columns), <name>.json (an array of row objects) or <name>.xlsx (typed cells)",
			Params: append(append([]param{}, familyParams...),
				param{Name: "format", In: "query", Type: "string", Desc: "file format", Enum: []string{"csv", "json", "xlsx"}, Default: "csv"})},
		{Method: get, Path: "/api/runs", handler: s.listRuns, Doc: true, Schema: "RunList", Errors: []int{400, 503},
			Summary: "the latest pipeline runs, newest first",
			Params:  []param{{Name: "limit", In: "query", Type: "integer", Desc: "how many runs", Min: 1, Max: 1000, Default: 50}}},
		{Method: get, Path: "/api/runs/:id", handler: s.getRun, Doc: true, Schema: "Run", Errors: []int{404, 503},
			Summary: "one run", Params: []param{{Name: "id", In: "path", Type: "string", Desc: "the run id"}}},
		{Method: get, Path: "/api/rejects", handler: s.listRejects, Doc: true, Schema: "RejectsList", Errors: unavailable,
			Summary: "the published rejects of every pipeline and input, with their counts per reason"},
		{Method: get, Path: "/api/rejects/:pipeline/:dataset", handler: s.rejectsPage, Doc: true, Schema: "RejectsPage", Errors: []int{400, 404, 503},
			Summary: "a page of rejected rows (line, reason, raw) and the counts per reason",
			Params: append([]param{
				{Name: "pipeline", In: "path", Type: "string", Desc: "the pipeline that rejected the rows"},
				{Name: "dataset", In: "path", Type: "string", Desc: "the input they came from (sales, employees, mongo_sales…)"},
			}, pageParams...)},

		{Method: http.MethodPost, Path: "/api/jobs", handler: s.startJob, Doc: true, Auth: true, Body: "JobRequest", Schema: "JobStarted", OK: http.StatusAccepted,
			Errors:  []int{400, 401, 403, 413, 429, 502, 503, 504},
			Summary: "runs an analysis pipeline (employees, sales, advanced or mongo; args: as_of for advanced) on the configured runner; 202 with its run id, whose progress and result /api/runs/<id> shows. Needs Authorization: Bearer $BEAMLINE_TOKEN; off (403) when the server has no token"},
		{Method: http.MethodPost, Path: "/api/publish/:run", handler: s.republish, Doc: true, Auth: true, Schema: "Run",
			Errors:  []int{401, 403, 404, 409, 503},
			Summary: "publishes a committed run's datasets from the results root into MongoDB again; 200 with the run. Needs Authorization: Bearer $BEAMLINE_TOKEN; off (403) when the server has no token",
			Params:  []param{{Name: "run", In: "path", Type: "string", Desc: "the run id"}}},

		{Method: get, Path: "/api/*", handler: func(echo.Context) error { return notFound("no such route") }},
		{Method: get, Path: "/", handler: s.ui},
		{Method: get, Path: "/*", handler: s.ui},
	}
}

func healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) serveOpenAPI(c echo.Context) error {
	return c.JSONBlob(http.StatusOK, s.openapi)
}
