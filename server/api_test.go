package server_test

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/server"
)

// TestAPI loads a database by running the real pipelines on the reference
// data, then checks every route against it. One database serves all the
// subtests: loading it is the expensive part.
func TestAPI(t *testing.T) {
	uri := mongotest.URI(t)
	loadReference(t, uri)
	h := newServer(t, server.Config{MongoURI: uri})

	t.Run("sales by region", func(t *testing.T) { salesByRegion(t, h) })
	t.Run("sales by category", func(t *testing.T) { salesByCategory(t, h) })
	t.Run("pig results", func(t *testing.T) { pigResults(t, h) })
	t.Run("spark results", func(t *testing.T) { sparkResults(t, h) })
	t.Run("mongodb collections", func(t *testing.T) { mongoCollections(t, h) })
	t.Run("original csv exports", func(t *testing.T) { originalExports(t, h) })
	t.Run("results catalogue", func(t *testing.T) { resultsCatalogue(t, h) })
	t.Run("paging", func(t *testing.T) { paging(t, h) })
	t.Run("sorting", func(t *testing.T) { sorting(t, h) })
	t.Run("searching", func(t *testing.T) { searching(t, h) })
	t.Run("concurrent sorts", func(t *testing.T) { concurrentSorts(t, h) })
	t.Run("bad requests", func(t *testing.T) { badRequests(t, h) })
	t.Run("exports", func(t *testing.T) { exports(t, h) })
	t.Run("runs", func(t *testing.T) { runs(t, h) })
	t.Run("rejects", func(t *testing.T) { rejects(t, h) })
	t.Run("headers", func(t *testing.T) { headers(t, h) })
	// last: counts what the subtests above asked
	t.Run("metrics", func(t *testing.T) { metricsAfterRequests(t, h) })
}

// wantBody checks that url answers 200 with exactly want (JSON compared
// after decoding, so that key order inside objects does not matter but
// every value, and the order of arrays, does).
func wantBody(t *testing.T, h http.Handler, url, want string) {
	t.Helper()
	r := get(t, h, url)
	if r.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, r.Code, r.Body)
	}
	var got, exp any
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("bad expectation: %v", err)
	}
	g, _ := json.Marshal(got)
	e, _ := json.Marshal(exp)
	if string(g) != string(e) {
		t.Errorf("GET %s:\n got %s\nwant %s", url, r.Body, want)
	}
}

// spec §5.3: North America 25, 13099.66, 523.99 · Asia 12, 8449.83, 704.15 ·
// Europe 8, 4189.87, 523.73 · Africa 1, 999.98 · South America 2, 749.96,
// 374.98 · Oceania 2, 129.98, 64.99; money printed with 2 decimals.
func salesByRegion(t *testing.T, h http.Handler) {
	wantBody(t, h, "/api/sales/by-region", `[
		{"region":"North America","total_sales":13099.66,"transactions":25,"avg_transaction":523.99},
		{"region":"Asia","total_sales":8449.83,"transactions":12,"avg_transaction":704.15},
		{"region":"Europe","total_sales":4189.87,"transactions":8,"avg_transaction":523.73},
		{"region":"Africa","total_sales":999.98,"transactions":1,"avg_transaction":999.98},
		{"region":"South America","total_sales":749.96,"transactions":2,"avg_transaction":374.98},
		{"region":"Oceania","total_sales":129.98,"transactions":2,"avg_transaction":64.99}]`)
	if r := get(t, h, "/api/sales/by-region"); !strings.Contains(r.Body, `"avg_transaction":523.99`) ||
		!strings.Contains(r.Body, `"total_sales":749.96`) {
		t.Errorf("money is not printed with 2 decimals: %s", r.Body)
	}
}

// spec §5.2: Electronics 15, 18099.79, 21, 899.99 · Furniture 9, 5099.88,
// 12, 433.32 · Appliances 9, 1599.87, 13, 127.77 · Clothing 8, 1559.88, 12,
// 139.99 · Sports 9, 1259.86, 14, 94.43; revenue_per_unit = total /
// quantity to the cent (18099.79 / 21 = 861.894…).
func salesByCategory(t *testing.T, h http.Handler) {
	wantBody(t, h, "/api/sales/by-category", `[
		{"category":"Electronics","total_sales":18099.79,"transactions":15,"total_quantity":21,"avg_price":899.99,"revenue_per_unit":861.89},
		{"category":"Furniture","total_sales":5099.88,"transactions":9,"total_quantity":12,"avg_price":433.32,"revenue_per_unit":424.99},
		{"category":"Appliances","total_sales":1599.87,"transactions":9,"total_quantity":13,"avg_price":127.77,"revenue_per_unit":123.07},
		{"category":"Clothing","total_sales":1559.88,"transactions":8,"total_quantity":12,"avg_price":139.99,"revenue_per_unit":129.99},
		{"category":"Sports","total_sales":1259.86,"transactions":9,"total_quantity":14,"avg_price":94.43,"revenue_per_unit":89.99}]`)
}

// spec §4.2–4.4: the real departments 15/13/12/10 (not the original's fake
// 15/12/10/8), age groups 13/28/9, London the only city with more than one
// employee; total_salary is department_statistics' exact sum.
func pigResults(t *testing.T, h http.Handler) {
	wantBody(t, h, "/api/analytics/pig-results", `{
		"department_analysis":[
			{"department":"Engineering","employees":15,"avg_salary":83400.00,"total_salary":1251000.00},
			{"department":"Marketing","employees":13,"avg_salary":80230.77,"total_salary":1043000.00},
			{"department":"Finance","employees":12,"avg_salary":70833.33,"total_salary":850000.00},
			{"department":"HR","employees":10,"avg_salary":65400.00,"total_salary":654000.00}],
		"age_group_analysis":[
			{"age_group":"Young (< 30)","count":13,"avg_salary":64076.92},
			{"age_group":"Middle (30-39)","count":28,"avg_salary":77428.57},
			{"age_group":"Senior (40+)","count":9,"avg_salary":88555.56}],
		"city_analysis":[{"city":"London","employees":2,"avg_salary":81500.00}]}`)
}

// spec §6.2 at the pinned as-of: 18 Potential Loyalists (the 9 who spent ≥
// 1000 and the 9 who spent 500–999.99) and 32 New Customers, no Champions;
// their revenues add up to the total revenue 27619.28. Products: the top 10
// of §5.6 with their share of 27619.28 (Laptop Pro 7799.94 → 28.2409 %).
func sparkResults(t *testing.T, h http.Handler) {
	wantBody(t, h, "/api/analytics/spark-results", `{
		"customer_segments":[
			{"segment":"Potential Loyalists","count":18,"avg_value":1155.54,"total_revenue":20799.73},
			{"segment":"New Customers","count":32,"avg_value":213.11,"total_revenue":6819.55}],
		"regional_performance":[
			{"region":"North America","revenue":13099.66,"customers":25,"avg_order":523.99},
			{"region":"Asia","revenue":8449.83,"customers":12,"avg_order":704.15},
			{"region":"Europe","revenue":4189.87,"customers":8,"avg_order":523.73},
			{"region":"Africa","revenue":999.98,"customers":1,"avg_order":999.98},
			{"region":"South America","revenue":749.96,"customers":2,"avg_order":374.98},
			{"region":"Oceania","revenue":129.98,"customers":2,"avg_order":64.99}],
		"product_performance":[
			{"product":"Laptop Pro","sales":7799.94,"units":6,"margin":28.2409},
			{"product":"Smartphone X","sales":6299.93,"units":7,"margin":22.8099},
			{"product":"Tablet Plus","sales":3999.92,"units":8,"margin":14.4823},
			{"product":"Standing Desk","sales":2999.95,"units":5,"margin":10.8618},
			{"product":"Office Chair","sales":2099.93,"units":7,"margin":7.6031},
			{"product":"Winter Jacket","sales":999.95,"units":5,"margin":3.6205},
			{"product":"Running Shoes","sales":909.93,"units":7,"margin":3.2945},
			{"product":"Coffee Maker","sales":899.94,"units":6,"margin":3.2584},
			{"product":"Blender Pro","sales":699.93,"units":7,"margin":2.5342},
			{"product":"Jeans Classic","sales":559.93,"units":7,"margin":2.0273}]}`)
	// 20799.73 + 6819.55 = 27619.28, the total revenue (spec §5.1), in cents
	var body struct {
		Segments []struct {
			Total json.Number `json:"total_revenue"`
		} `json:"customer_segments"`
	}
	getJSON(t, h, "/api/analytics/spark-results", 200, &body)
	var sum int64
	for _, s := range body.Segments {
		sum += cents(t, s.Total)
	}
	if sum != 2761928 {
		t.Errorf("segments' revenue sums to %d cents, want 2761928", sum)
	}
}

// cents reads a JSON money value that must have at most 2 decimals.
func cents(t *testing.T, n json.Number) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(n.String(), ".")
	if len(frac) > 2 {
		t.Fatalf("money %s has more than 2 decimals", n)
	}
	frac += strings.Repeat("0", 2-len(frac))
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mongoCollections(t *testing.T, h http.Handler) {
	var body map[string]struct {
		Count  int64            `json:"count"`
		Sample []map[string]any `json:"sample"`
	}
	getJSON(t, h, "/api/mongodb/collections", 200, &body)
	var names []string
	for n := range body {
		names = append(names, n)
	}
	slices.Sort(names)
	if strings.Join(names, ",") != "customers,products,results,runs,sales" {
		t.Fatalf("collections = %v", names)
	}
	// the seeds: 5 sales documents, 2 customers; 5 runs
	for name, want := range map[string]int64{"sales": 5, "customers": 2, "runs": 5} {
		if body[name].Count != want {
			t.Errorf("%s count = %d, want %d", name, body[name].Count, want)
		}
	}
	for name, c := range body {
		if len(c.Sample) == 0 || len(c.Sample) > 3 || int64(len(c.Sample)) > c.Count {
			t.Errorf("%s: %d samples of %d documents", name, len(c.Sample), c.Count)
		}
		for _, d := range c.Sample {
			if _, ok := d["_id"].(string); !ok {
				t.Errorf("%s: _id %#v is not a string", name, d["_id"])
			}
		}
	}
	if id := body["sales"].Sample[0]["_id"]; id != "M001" {
		t.Errorf("first sales document by _id = %v, want M001", id)
	}
}

func originalExports(t *testing.T, h http.Handler) {
	r := get(t, h, "/api/export/csv/departments")
	want := "Department,Employees,Avg Salary,Total Salary\nEngineering,15,83400.00,1251000.00\nMarketing,13,80230.77,1043000.00\nFinance,12,70833.33,850000.00\nHR,10,65400.00,654000.00\n"
	if r.Code != 200 || r.Body != want {
		t.Errorf("departments export: %d\n%s", r.Code, r.Body)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="departments_export.csv"` || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("headers %v", r.Header)
	}
	r = get(t, h, "/api/export/csv/sales")
	rows := readCSV(t, r.Body)
	// the CSV's 50 sales and MongoDB's 5 seed documents
	if r.Code != 200 || len(rows) != 56 || strings.Join(rows[0], ",") != "Transaction ID,Product,Category,Amount,Region,Date,Source" {
		t.Fatalf("sales export: %d, %d lines, header %v", r.Code, len(rows), rows[0])
	}
	// mongo_unified_sales has no order (its parts come in bundle order):
	// look for rows, not at positions.
	for _, want := range []string{"MONGO_T001,Laptop Gaming,Electronics,1599.99,Europe,2024-08-30,mongo",
		"T001,Laptop Pro,Electronics,2599.98,North America,2024-08-01,csv"} {
		if !slices.ContainsFunc(rows, func(r []string) bool { return strings.Join(r, ",") == want }) {
			t.Errorf("sales export lacks %s: %v", want, rows)
		}
	}
	wantError(t, h, "/api/export/csv/users", 404, "sales or departments")
}

func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, body)
	}
	return rows
}

type column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type pageBody struct {
	Columns  []column          `json:"columns"`
	Rows     []json.RawMessage `json:"rows"`
	Page     int64             `json:"page"`
	PageSize int64             `json:"page_size"`
	Total    int64             `json:"total"`
	RunID    string            `json:"run_id"`
	Reasons  []struct {
		Reason string `json:"reason"`
		Count  int64  `json:"count"`
	} `json:"reasons"`
}

func resultsCatalogue(t *testing.T, h http.Handler) {
	var body struct {
		Datasets []struct {
			Family, Name, Path, Analysis, Pipeline, Order string
			Rows                                          int64
			Columns                                       []column
			RunID                                         string `json:"run_id"`
		} `json:"datasets"`
	}
	getJSON(t, h, "/api/results", 200, &body)
	byPath := map[string]int{}
	for i, d := range body.Datasets {
		byPath[d.Path] = i
		if d.Family != "pig" && d.Family != "spark" {
			t.Errorf("%s: family %q in /api/results", d.Path, d.Family)
		}
		if d.Path != d.Family+"/"+d.Name || d.RunID == "" || len(d.Columns) == 0 {
			t.Errorf("dataset %+v", d)
		}
	}
	// 9 employee, 11 sales, 10 advanced, 3 mongo datasets and ingest's
	// product_conflicts
	if len(body.Datasets) != 34 {
		t.Errorf("%d datasets, want 34", len(body.Datasets))
	}
	d := body.Datasets[byPath["pig/sales_by_region"]]
	var cols []string
	for _, c := range d.Columns {
		cols = append(cols, c.Name+":"+c.Type)
	}
	if d.Rows != 6 || d.Pipeline != "sales" || d.Order != "revenue desc, region" ||
		strings.Join(cols, ",") != "region:string,transactions:int,revenue:money,avg_order_value:money,unique_customers:int,revenue_per_customer:money" {
		t.Errorf("pig/sales_by_region = %+v", d)
	}
}

// rowsOf fetches every row of a dataset through pages of size, in the
// order the query asks, checking each page's bookkeeping.
func rowsOf(t *testing.T, h http.Handler, path, query string, size int) ([]string, pageBody) {
	t.Helper()
	var all []string
	var last pageBody
	for page := 1; ; page++ {
		var p pageBody
		u := fmt.Sprintf("/api/results/%s?page=%d&page_size=%d&%s", path, page, size, query)
		getJSON(t, h, u, 200, &p)
		if p.Page != int64(page) || p.PageSize != int64(size) || p.RunID == "" {
			t.Fatalf("GET %s: page %d size %d run %q", u, p.Page, p.PageSize, p.RunID)
		}
		for _, r := range p.Rows {
			all = append(all, string(r))
		}
		last = p
		if len(p.Rows) < size {
			if int64(len(all)) != p.Total {
				t.Fatalf("GET %s: %d rows over the pages, total says %d", u, len(all), p.Total)
			}
			return all, last
		}
	}
}

func paging(t *testing.T, h http.Handler) {
	all, p := rowsOf(t, h, "pig/daily_sales_trend", "", 1000)
	if len(all) != 25 || p.Total != 25 || len(p.Columns) != 4 || p.Columns[0] != (column{"sale_date", "date"}) {
		t.Fatalf("daily_sales_trend: %d rows, %+v", len(all), p.Columns)
	}
	if all[0] != `{"sale_date":"2024-08-01","daily_transactions":2,"daily_revenue":3499.97,"avg_daily_transaction":1749.99}` {
		t.Errorf("first row %s", all[0])
	}
	// pages of 7 put back together are the same rows
	paged, _ := rowsOf(t, h, "pig/daily_sales_trend", "", 7)
	if !slices.Equal(paged, all) {
		t.Errorf("pages of 7 differ from one page of 1000")
	}
	// the dataset's own order reversed, across pages
	rev, _ := rowsOf(t, h, "pig/daily_sales_trend", "order=desc", 10)
	want := slices.Clone(all)
	if slices.Reverse(want); !slices.Equal(rev, want) {
		t.Errorf("order=desc without sort is not the reverse order:\n%v", rev)
	}
	// past the end: no rows, the total still said
	var past pageBody
	getJSON(t, h, "/api/results/pig/daily_sales_trend?page=9&page_size=10", 200, &past)
	if len(past.Rows) != 0 || past.Total != 25 {
		t.Errorf("page past the end: %d rows, total %d", len(past.Rows), past.Total)
	}
	// the default page size is 50
	var def pageBody
	getJSON(t, h, "/api/results/spark/cohort_analysis", 200, &def)
	if def.PageSize != 50 || len(def.Rows) != 50 || def.Total != 50 {
		t.Errorf("default page: size %d, %d rows, total %d", def.PageSize, len(def.Rows), def.Total)
	}
}

// sorting compares the server's sorted pages with a stable sort of the
// dataset's own order: numbers numerically, empty values last, ties kept
// in the dataset's order (in both directions).
func sorting(t *testing.T, h http.Handler) {
	for _, path := range []string{"pig/daily_sales_trend", "pig/top_10_earners", "pig/top_products", "spark/customer_rfm_analysis", "spark/geographic_analysis"} {
		all, p := rowsOf(t, h, path, "", 1000)
		rows := make([]map[string]json.RawMessage, len(all))
		for i, r := range all {
			json.Unmarshal([]byte(r), &rows[i])
		}
		for _, c := range p.Columns {
			for _, desc := range []bool{false, true} {
				idx := make([]int, len(rows))
				for i := range idx {
					idx[i] = i
				}
				slices.SortStableFunc(idx, func(a, b int) int {
					r := compareJSON(c.Type, rows[a][c.Name], rows[b][c.Name])
					if desc {
						r = -r
					}
					return r
				})
				want := make([]string, len(idx))
				for i, j := range idx {
					want[i] = all[j]
				}
				order := "asc"
				if desc {
					order = "desc"
				}
				got, _ := rowsOf(t, h, path, "sort="+c.Name+"&order="+order, 4)
				if !slices.Equal(got, want) {
					t.Errorf("%s sort=%s order=%s:\n got %v\nwant %v", path, c.Name, order, got, want)
				}
			}
		}
	}
	// numerically, not as text: 559.93 < 2099.93 < 7799.94
	var p pageBody
	getJSON(t, h, "/api/results/pig/top_products?sort=total_product_revenue&page_size=1", 200, &p)
	if !strings.Contains(string(p.Rows[0]), `"product_name":"Jeans Classic"`) {
		t.Errorf("smallest revenue first: %s", p.Rows[0])
	}
	// ties: every day has 2 transactions, so sorting on them (either way)
	// keeps the dataset's date order
	all, _ := rowsOf(t, h, "pig/daily_sales_trend", "", 1000)
	for _, order := range []string{"asc", "desc"} {
		if got, _ := rowsOf(t, h, "pig/daily_sales_trend", "sort=daily_transactions&order="+order, 1000); !slices.Equal(got, all) {
			t.Errorf("ties sorted %s left the dataset's order", order)
		}
	}
}

// compareJSON orders two JSON values of a column: numbers numerically,
// text as text, null last.
func compareJSON(typ string, a, b json.RawMessage) int {
	an, bn := string(a) == "null", string(b) == "null"
	if an || bn {
		return cmp.Compare(boolInt(an), boolInt(bn))
	}
	switch typ {
	case "int", "money", "decimal":
		x, _ := strconv.ParseFloat(string(a), 64)
		y, _ := strconv.ParseFloat(string(b), 64)
		return cmp.Compare(x, y)
	}
	var x, y string
	json.Unmarshal(a, &x)
	json.Unmarshal(b, &y)
	return strings.Compare(x, y)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func searching(t *testing.T, h http.Handler) {
	// case-insensitive, over text columns
	got, p := rowsOf(t, h, "pig/top_products", "q=PRO", 1000)
	if p.Total != 2 || len(got) != 2 || !strings.Contains(got[0], "Laptop Pro") || !strings.Contains(got[1], "Blender Pro") {
		t.Errorf("q=PRO: total %d, %v", p.Total, got)
	}
	// with a sort, across pages
	got, p = rowsOf(t, h, "pig/top_products", "q=pro&sort=total_product_revenue", 1)
	if p.Total != 2 || len(got) != 2 || !strings.Contains(got[0], "Blender Pro") {
		t.Errorf("q=pro sorted: %v", got)
	}
	// every North American sale, and only those
	got, p = rowsOf(t, h, "spark/cohort_analysis", "q="+url.QueryEscape("north AMERICA"), 10)
	if p.Total != 25 {
		t.Errorf("q=north AMERICA: total %d, want 25", p.Total)
	}
	for _, r := range got {
		if !strings.Contains(r, `"region":"North America"`) {
			t.Errorf("q=north AMERICA kept %s", r)
		}
	}
	// in reverse order without a sort
	rev, _ := rowsOf(t, h, "spark/cohort_analysis", "order=desc&q="+url.QueryEscape("north america"), 10)
	if slices.Reverse(rev); !slices.Equal(rev, got) {
		t.Errorf("q with order=desc is not the reverse of q")
	}
	// dates are text too
	if _, p = rowsOf(t, h, "pig/daily_sales_trend", "q=2024-08-1", 100); p.Total != 10 {
		t.Errorf("q=2024-08-1: total %d, want 10", p.Total)
	}
	if got, p = rowsOf(t, h, "pig/top_products", "q=nothing-like-this", 10); p.Total != 0 || len(got) != 0 {
		t.Errorf("no match: total %d", p.Total)
	}
}

// concurrentSorts asks for sorted and searched pages of a dataset no one
// asked for yet from many goroutines at once (they share one read of it),
// then once more alone: the answers agree.
func concurrentSorts(t *testing.T, h http.Handler) {
	queries := []string{"sort=total_amount&order=desc", "sort=customer_name", "q=laptop&sort=sale_date", "q=EUROPE", "sort=quantity&order=desc&q=a"}
	const base = "/api/results/spark/mongo_unified_sales?page_size=7&page=2&"
	got := make([]response, 40)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i] = get(t, h, base+queries[i%len(queries)]) })
	}
	wg.Wait()
	for i, r := range got {
		q := queries[i%len(queries)]
		if alone := get(t, h, base+q); r.Code != 200 || r.Body != alone.Body {
			t.Errorf("%s concurrently: %d %s\nalone: %s", q, r.Code, r.Body, alone.Body)
		}
	}
}

func badRequests(t *testing.T, h http.Handler) {
	for _, c := range []struct {
		url    string
		status int
		words  []string
	}{
		{"/api/results/pig/sales_by_region?page_size=1001", 400, []string{"page_size", "1000"}},
		{"/api/results/pig/sales_by_region?page_size=0", 400, []string{"page_size"}},
		{"/api/results/pig/sales_by_region?page=0", 400, []string{"page"}},
		{"/api/results/pig/sales_by_region?page=abc", 400, []string{"page"}},
		{"/api/results/pig/sales_by_region?sort=nope", 400, []string{"sort", `"nope"`, "region, transactions, revenue"}},
		{"/api/results/pig/sales_by_region?order=up", 400, []string{"order", "asc or desc"}},
		{"/api/results/pig/sales_by_region?q=" + strings.Repeat("x", 300), 400, []string{"q"}},
		{"/api/results/pig/nope", 404, []string{"pig/nope"}},
		{"/api/results/pig/Sales_By_Region", 404, nil},
		{"/api/results/hive/sales_by_region", 404, []string{"pig or spark"}},
		{"/api/results/rejects/sales", 404, []string{"pig or spark"}},
		{"/api/results/pig/..%2f..%2fetc%2fpasswd", 404, nil},
		{"/api/export/pig/sales_by_region?format=pdf", 400, []string{"format", "csv, json or xlsx"}},
		{"/api/export/spark/nope", 404, []string{"spark/nope"}},
		{"/api/runs?limit=0", 400, []string{"limit"}},
		{"/api/runs/no-such-run", 404, []string{"no-such-run"}},
		{"/api/rejects/ingest/nope", 404, []string{"rejects/ingest/nope"}},
		{"/api/nope", 404, []string{"no such route"}},
		{"/api", 404, nil},
	} {
		wantError(t, h, c.url, c.status, c.words...)
	}
	r := do(t, h, mustRequest(t, http.MethodPost, "/api/results"))
	if r.Code != http.StatusMethodNotAllowed || !strings.Contains(r.Body, `"error"`) {
		t.Errorf("POST /api/results: %d %s", r.Code, r.Body)
	}
}

func mustRequest(t *testing.T, method, u string) *http.Request {
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func exports(t *testing.T, h http.Handler) {
	// CSV: the header is the dataset's columns, then every row
	r := get(t, h, "/api/export/pig/sales_by_region")
	rows := readCSV(t, r.Body)
	if r.Code != 200 || len(rows) != 7 || strings.Join(rows[0], ",") != "region,transactions,revenue,avg_order_value,unique_customers,revenue_per_customer" ||
		strings.Join(rows[1], ",") != "North America,25,13099.66,523.99,25,523.99" {
		t.Errorf("CSV export: %d\n%s", r.Code, r.Body)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="sales_by_region.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	r = get(t, h, "/api/export/spark/cohort_analysis?format=csv")
	if rows := readCSV(t, r.Body); len(rows) != 51 || len(rows[0]) != 14 {
		t.Errorf("cohort_analysis CSV: %d lines of %d fields", len(rows), len(rows[0]))
	}

	// JSON: an array of row objects, money as numbers
	r = get(t, h, "/api/export/pig/sales_by_region?format=json")
	var objs []map[string]any
	d := json.NewDecoder(strings.NewReader(r.Body))
	d.UseNumber()
	if err := d.Decode(&objs); err != nil || len(objs) != 6 {
		t.Fatalf("JSON export: %v, %d rows\n%s", err, len(objs), r.Body)
	}
	if objs[0]["revenue"] != json.Number("13099.66") || objs[0]["transactions"] != json.Number("25") || objs[5]["region"] != "Oceania" {
		t.Errorf("JSON export first row %v", objs[0])
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="sales_by_region.json"` {
		t.Errorf("Content-Disposition %q", cd)
	}

	// XLSX, read back: typed cells
	r = get(t, h, "/api/export/pig/daily_sales_trend?format=xlsx")
	if r.Code != 200 || r.Header.Get("Content-Disposition") != `attachment; filename="daily_sales_trend.xlsx"` {
		t.Fatalf("XLSX export: %d %v", r.Code, r.Header)
	}
	f, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	xrows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if sheet != "daily_sales_trend" || len(xrows) != 26 || strings.Join(xrows[0], ",") != "sale_date,daily_transactions,daily_revenue,avg_daily_transaction" {
		t.Fatalf("XLSX sheet %q: %d rows, header %v", sheet, len(xrows), xrows[0])
	}
	if strings.Join(xrows[1], "|") != "2024-08-01|2|3,499.97|1,749.99" {
		t.Errorf("XLSX first row (formatted) %q", xrows[1])
	}
	for cell, want := range map[string]string{"A2": "45505", "B2": "2", "C2": "3499.97", "D2": "1749.99"} { // 45505: 2024-08-01 as an Excel date
		v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil || v != want {
			t.Errorf("XLSX %s raw = %q (%v), want %s", cell, v, err, want)
		}
	}
	for _, cell := range []string{"B2", "C2"} {
		if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("XLSX %s has cell type %v, want a number", cell, typ)
		}
	}
	if typ, _ := f.GetCellType(sheet, "A1"); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		t.Errorf("XLSX header cell type %v", typ)
	}
}

type runJSON struct {
	ID       string            `json:"id"`
	Pipeline string            `json:"pipeline"`
	Status   string            `json:"status"`
	Started  string            `json:"started"`
	Params   map[string]string `json:"params"`
	Inputs   []struct {
		Input                 string
		Read, Clean, Rejected int64
	} `json:"inputs"`
	Datasets []struct {
		Path string
		Rows int64
	} `json:"datasets"`
}

func runs(t *testing.T, h http.Handler) {
	var body struct {
		Runs []runJSON `json:"runs"`
	}
	getJSON(t, h, "/api/runs", 200, &body)
	var order []string
	for _, r := range body.Runs {
		order = append(order, r.Pipeline)
		if r.Status != "published" {
			t.Errorf("run %s: status %s", r.ID, r.Status)
		}
	}
	if strings.Join(order, ",") != "mongo,advanced,sales,employees,ingest" {
		t.Errorf("runs, newest first: %v", order)
	}
	getJSON(t, h, "/api/runs?limit=2", 200, &body)
	if len(body.Runs) != 2 || body.Runs[0].Pipeline != "mongo" {
		t.Errorf("limit=2: %d runs", len(body.Runs))
	}
	getJSON(t, h, "/api/runs", 200, &body)
	var ingest, advanced runJSON
	getJSON(t, h, "/api/runs/"+body.Runs[4].ID, 200, &ingest)
	getJSON(t, h, "/api/runs/"+body.Runs[1].ID, 200, &advanced)
	if advanced.Params["as_of"] != asOf || len(advanced.Datasets) == 0 {
		t.Errorf("advanced run %+v", advanced)
	}
	counts := map[string]string{}
	for _, in := range ingest.Inputs {
		counts[in.Input] = fmt.Sprintf("%d/%d/%d", in.Read, in.Clean, in.Rejected)
	}
	// the reference rows plus the bad ones appended
	if counts["sales"] != "53/50/3" || counts["employees"] != "52/50/2" {
		t.Errorf("ingest counts %v", counts)
	}
}

func rejects(t *testing.T, h http.Handler) {
	var body struct {
		Datasets []struct {
			Pipeline, Dataset, Path string
			Rows                    int64
			Reasons                 []struct {
				Reason string
				Count  int64
			}
			RunID string `json:"run_id"`
		} `json:"datasets"`
	}
	getJSON(t, h, "/api/rejects", 200, &body)
	got := map[string]string{}
	for _, d := range body.Datasets {
		if d.Path != "rejects/"+d.Pipeline+"/"+d.Dataset || d.RunID == "" {
			t.Errorf("rejects dataset %+v", d)
		}
		var rs []string
		for _, r := range d.Reasons {
			rs = append(rs, fmt.Sprintf("%s=%d", r.Reason, r.Count))
		}
		got[d.Path] = fmt.Sprintf("%d %s", d.Rows, strings.Join(rs, "; "))
	}
	for path, want := range map[string]string{
		"rejects/ingest/sales":     "3 duplicate transaction_id=1; quantity: not an integer=1; sale_date: not a date=1",
		"rejects/ingest/employees": "2 age: not an integer=1; salary: missing value=1",
		"rejects/sales/sales":      "0 ",
	} {
		if got[path] != want {
			t.Errorf("%s: %q, want %q", path, got[path], want)
		}
	}

	all, p := rowsOf2(t, h, "/api/rejects/ingest/sales", "", 2)
	if len(p.Columns) != 3 || p.Columns[0] != (column{"line", "int"}) || p.Total != 3 || len(all) != 3 || len(p.Reasons) != 3 {
		t.Fatalf("rejects page: %+v, %d rows", p, len(all))
	}
	// lines 52–54: after the header and the 50 reference rows
	for i, r := range all {
		if !strings.HasPrefix(r, fmt.Sprintf(`{"line":%d,"reason":`, 52+i)) {
			t.Errorf("reject %d: %s", i, r)
		}
	}
	dup, p := rowsOf2(t, h, "/api/rejects/ingest/sales", "q=DUPLICATE", 10)
	if p.Total != 1 || len(dup) != 1 || !strings.Contains(dup[0], `"raw":"T001,P101,Laptop Pro`) {
		t.Errorf("q=DUPLICATE: %v", dup)
	}
}

// rowsOf2 is rowsOf for a full URL path (rejects).
func rowsOf2(t *testing.T, h http.Handler, path, query string, size int) ([]string, pageBody) {
	t.Helper()
	var all []string
	for page := 1; ; page++ {
		var p pageBody
		getJSON(t, h, fmt.Sprintf("%s?page=%d&page_size=%d&%s", path, page, size, query), 200, &p)
		for _, r := range p.Rows {
			all = append(all, string(r))
		}
		if len(p.Rows) < size {
			return all, p
		}
	}
}

func headers(t *testing.T, h http.Handler) {
	req := mustRequest(t, http.MethodGet, "/api/sales/by-region")
	req.Header.Set("Origin", "https://elsewhere.example")
	r := do(t, h, req)
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS is on by default")
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Errorf("no X-Request-Id")
	}
	if r := get(t, h, "/healthz"); r.Code != 200 || strings.TrimSpace(r.Body) != `{"status":"ok"}` {
		t.Errorf("healthz: %d %s", r.Code, r.Body)
	}
}

func metricsAfterRequests(t *testing.T, h http.Handler) {
	r := get(t, h, "/metrics")
	if r.Code != 200 {
		t.Fatalf("metrics: %d", r.Code)
	}
	for _, want := range []string{
		`beamline_http_requests_total{code="200",method="GET",route="/api/results/:family/:name"}`,
		`beamline_http_requests_total{code="400",method="GET",route="/api/results/:family/:name"}`,
		`beamline_http_requests_total{code="404",method="GET",route="/api/*"}`,
		`beamline_http_requests_total{code="200",method="GET",route="/api/export/:family/:name"}`,
		`beamline_http_request_duration_seconds_bucket{method="GET",route="/api/sales/by-region",le="+Inf"}`,
		`beamline_http_request_duration_seconds_count{method="GET",route="/api/analytics/pig-results"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// labels are route patterns, never raw paths
	for _, raw := range []string{"sales_by_region", "no-such-run", "/api/nope"} {
		if strings.Contains(r.Body, raw) {
			t.Errorf("metrics hold the raw path %q", raw)
		}
	}
	// one 200 per request of the sales-by-region route so far: 3 (two in
	// its subtest, one in headers)
	if !strings.Contains(r.Body, `beamline_http_requests_total{code="200",method="GET",route="/api/sales/by-region"} 3`) {
		t.Errorf("by-region count:\n%s", grep(r.Body, "by-region"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
