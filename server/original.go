package server

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/transforms/decimal"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/table"
)

// The original Flask routes, with their JSON keys, answered from the
// published datasets of the analyses the original only pretended to read
// (spec §8, §11.1). Each is a re-shaping of one or two small datasets:
// renamed columns, and at most a division or a sum over exact cents.

// small is a small dataset read whole.
type small struct {
	d    publish.Dataset
	rows []bson.A
}

// readSmall reads every row of the dataset at path and returns the
// indices of the named columns.
func (s *Server) readSmall(ctx context.Context, path string, names ...string) (small, []int, error) {
	t, err := s.readAll(ctx, path)
	if err != nil {
		return t, nil, err
	}
	idx, err := t.cols(names...)
	return t, idx, err
}

// readAll reads every row of the dataset at path.
func (s *Server) readAll(ctx context.Context, path string) (small, error) {
	var out small
	err := s.withDataset(ctx, path, func(d publish.Dataset) error {
		st, err := s.store()
		if err != nil {
			return err
		}
		// from the dataset's frame: a published dataset never changes, so
		// it is read from MongoDB once, not on every request
		f, err := s.frames.get(ctx, d, func(ctx context.Context) (*frame, error) { return loadFrame(ctx, st, d) })
		if err != nil {
			return err
		}
		out = small{d: d, rows: make([]bson.A, f.n)}
		for i := range f.n {
			out.rows[i] = f.row(i)
		}
		return nil
	})
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		ae.Detail = fmt.Sprintf("%s is not published yet: run the pipeline that writes it with --mongo-uri", path)
	}
	return out, err
}

// cols returns the indices of the named columns, or a 500 naming the one
// the dataset lacks (its contract changed under the API).
func (t small) cols(names ...string) ([]int, error) {
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = slices.IndexFunc(t.d.Columns, func(c table.Column) bool { return c.Name == n })
		if idx[i] < 0 {
			return nil, &apiError{Status: http.StatusInternalServerError, Err: "dataset contract",
				Detail: fmt.Sprintf("%s has no column %q (columns: %s)", t.d.Path, n, columnNames(t.d.Columns))}
		}
	}
	return idx, nil
}

// optional returns the index of a column the dataset may lack, or -1.
func (t small) optional(name string) int {
	return slices.IndexFunc(t.d.Columns, func(c table.Column) bool { return c.Name == name })
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func integer(v any) int64 {
	n, _ := v.(int64)
	return n
}

func amount(v any) money.Cents {
	f, _ := v.(float64)
	return cents(f)
}

// optionalMoney is a money column's value when the dataset has it, else
// JSON null.
func optionalMoney(r bson.A, i int) any {
	if i < 0 || r[i] == nil {
		return nil
	}
	return moneyJSON(amount(r[i]))
}

// salesByRegion is GET /api/sales/by-region, from pig/sales_by_region.
func (s *Server) salesByRegion(c echo.Context) error {
	ctx, cancel := s.mongoCtx(c)
	defer cancel()
	t, ix, err := s.readSmall(ctx, "pig/sales_by_region", "region", "revenue", "transactions", "avg_order_value")
	if err != nil {
		return err
	}
	type row struct {
		Region         string      `json:"region"`
		TotalSales     json.Number `json:"total_sales"`
		Transactions   int64       `json:"transactions"`
		AvgTransaction json.Number `json:"avg_transaction"`
		total          money.Cents
	}
	out := []row{}
	for _, r := range t.rows {
		total := amount(r[ix[1]])
		out = append(out, row{Region: str(r[ix[0]]), TotalSales: moneyJSON(total), Transactions: integer(r[ix[2]]),
			AvgTransaction: moneyJSON(amount(r[ix[3]])), total: total})
	}
	slices.SortStableFunc(out, func(a, b row) int { return cmp.Or(cmp.Compare(b.total, a.total), cmp.Compare(a.Region, b.Region)) })
	return c.JSON(http.StatusOK, out)
}

// salesByCategory is GET /api/sales/by-category, from pig/sales_by_category.
// avg_price is the mean unit price (the original's was revenue per unit,
// spec §11.24); revenue_per_unit is that figure, total / quantity to the
// cent.
func (s *Server) salesByCategory(c echo.Context) error {
	ctx, cancel := s.mongoCtx(c)
	defer cancel()
	t, ix, err := s.readSmall(ctx, "pig/sales_by_category", "category", "total_revenue", "transaction_count", "total_quantity", "avg_unit_price")
	if err != nil {
		return err
	}
	type row struct {
		Category       string      `json:"category"`
		TotalSales     json.Number `json:"total_sales"`
		Transactions   int64       `json:"transactions"`
		TotalQuantity  int64       `json:"total_quantity"`
		AvgPrice       json.Number `json:"avg_price"`
		RevenuePerUnit json.Number `json:"revenue_per_unit"`
		total          money.Cents
	}
	out := []row{}
	for _, r := range t.rows {
		total, qty := amount(r[ix[1]]), integer(r[ix[3]])
		out = append(out, row{Category: str(r[ix[0]]), TotalSales: moneyJSON(total), Transactions: integer(r[ix[2]]),
			TotalQuantity: qty, AvgPrice: moneyJSON(amount(r[ix[4]])), RevenuePerUnit: moneyJSON(money.Avg(total, qty)),
			total: total})
	}
	slices.SortStableFunc(out, func(a, b row) int {
		return cmp.Or(cmp.Compare(b.total, a.total), cmp.Compare(a.Category, b.Category))
	})
	return c.JSON(http.StatusOK, out)
}

// pigResults is GET /api/analytics/pig-results: the employee analyses the
// original hard-coded (spec §8, §11.2), from pig/department_statistics,
// pig/age_group_analysis and pig/city_analysis. total_salary is the
// dataset's total_salary column when it has one, else null: an average
// times a count is not the exact total.
func (s *Server) pigResults(c echo.Context) error {
	ctx, cancel := s.mongoCtx(c)
	defer cancel()
	depts, di, err := s.readSmall(ctx, "pig/department_statistics", "department", "employee_count", "avg_salary")
	if err != nil {
		return err
	}
	ages, ai, err := s.readSmall(ctx, "pig/age_group_analysis", "age_group", "count", "avg_salary")
	if err != nil {
		return err
	}
	cities, ci, err := s.readSmall(ctx, "pig/city_analysis", "city", "employee_count", "avg_salary_city")
	if err != nil {
		return err
	}
	type dept struct {
		Department  string      `json:"department"`
		Employees   int64       `json:"employees"`
		AvgSalary   json.Number `json:"avg_salary"`
		TotalSalary any         `json:"total_salary"`
	}
	type age struct {
		AgeGroup  string      `json:"age_group"`
		Count     int64       `json:"count"`
		AvgSalary json.Number `json:"avg_salary"`
	}
	type city struct {
		City      string      `json:"city"`
		Employees int64       `json:"employees"`
		AvgSalary json.Number `json:"avg_salary"`
	}
	out := struct {
		Departments []dept `json:"department_analysis"`
		AgeGroups   []age  `json:"age_group_analysis"`
		Cities      []city `json:"city_analysis"`
	}{[]dept{}, []age{}, []city{}}
	total := depts.optional("total_salary")
	for _, r := range depts.rows {
		out.Departments = append(out.Departments, dept{str(r[di[0]]), integer(r[di[1]]), moneyJSON(amount(r[di[2]])), optionalMoney(r, total)})
	}
	for _, r := range ages.rows {
		out.AgeGroups = append(out.AgeGroups, age{str(r[ai[0]]), integer(r[ai[1]]), moneyJSON(amount(r[ai[2]]))})
	}
	for _, r := range cities.rows {
		out.Cities = append(out.Cities, city{str(r[ci[0]]), integer(r[ci[1]]), moneyJSON(amount(r[ci[2]]))})
	}
	return c.JSON(http.StatusOK, out)
}

// sparkResults is GET /api/analytics/spark-results: the customer
// segments of spark/customer_rfm_analysis (counted, and monetary values
// summed in cents), regional performance from pig/sales_by_region and the
// top products of pig/top_products with their share of the total revenue
// of pig/sales_kpi_global.
func (s *Server) sparkResults(c echo.Context) error {
	ctx, cancel := s.mongoCtx(c)
	defer cancel()
	rfm, fi, err := s.readSmall(ctx, "spark/customer_rfm_analysis", "customer_segment", "monetary_value", "rfm_score")
	if err != nil {
		return err
	}
	regions, ri, err := s.readSmall(ctx, "pig/sales_by_region", "region", "revenue", "unique_customers", "avg_order_value")
	if err != nil {
		return err
	}
	products, pi, err := s.readSmall(ctx, "pig/top_products", "product_name", "total_product_revenue", "total_quantity_sold")
	if err != nil {
		return err
	}
	kpi, ki, err := s.readSmall(ctx, "pig/sales_kpi_global", "total_revenue")
	if err != nil {
		return err
	}

	type segment struct {
		Segment      string      `json:"segment"`
		Count        int64       `json:"count"`
		AvgValue     json.Number `json:"avg_value"`
		TotalRevenue json.Number `json:"total_revenue"`
		total        money.Cents
		best         int64 // the segment's highest rfm_score, for the order
	}
	bySegment := map[string]*segment{}
	for _, r := range rfm.rows {
		name := str(r[fi[0]])
		sg := bySegment[name]
		if sg == nil {
			sg = &segment{Segment: name, best: integer(r[fi[2]])}
			bySegment[name] = sg
		}
		sg.Count++
		sg.total += amount(r[fi[1]])
		sg.best = max(sg.best, integer(r[fi[2]]))
	}
	segments := []segment{}
	for _, sg := range bySegment {
		sg.TotalRevenue, sg.AvgValue = moneyJSON(sg.total), moneyJSON(money.Avg(sg.total, sg.Count))
		segments = append(segments, *sg)
	}
	// Best segments first (Champions, Loyal Customers, Potential
	// Loyalists, New Customers), as the scores rank them.
	slices.SortFunc(segments, func(a, b segment) int { return cmp.Or(cmp.Compare(b.best, a.best), cmp.Compare(a.Segment, b.Segment)) })

	type region struct {
		Region    string      `json:"region"`
		Revenue   json.Number `json:"revenue"`
		Customers int64       `json:"customers"`
		AvgOrder  json.Number `json:"avg_order"`
	}
	regionsOut := []region{}
	for _, r := range regions.rows {
		regionsOut = append(regionsOut, region{str(r[ri[0]]), moneyJSON(amount(r[ri[1]])), integer(r[ri[2]]), moneyJSON(amount(r[ri[3]]))})
	}

	type product struct {
		Product string      `json:"product"`
		Sales   json.Number `json:"sales"`
		Units   int64       `json:"units"`
		Margin  any         `json:"margin"` // % of the total revenue, null without a total
	}
	var total money.Cents
	if len(kpi.rows) == 1 {
		total = amount(kpi.rows[0][ki[0]])
	}
	productsOut := []product{}
	for _, r := range products.rows {
		revenue := amount(r[pi[1]])
		var margin any
		if total > 0 {
			margin = json.Number(decimal.Percent(int64(revenue), int64(total)).String())
		}
		productsOut = append(productsOut, product{str(r[pi[0]]), moneyJSON(revenue), integer(r[pi[2]]), margin})
	}
	return c.JSON(http.StatusOK, map[string]any{
		"customer_segments": segments, "regional_performance": regionsOut, "product_performance": productsOut,
	})
}
