// Command duckdb computes beamline's datasets with DuckDB, for the
// benchmark: it loads the input CSV into DuckDB tables once (explicit
// column types, money as DECIMAL so that sums are exact), then runs one SQL
// query per dataset and writes each as CSV with a header (COPY … TO), under
// the same names and folders as the pipelines (<output>/pig/<name>/ and
// <output>/spark/<name>/, one part-00000.csv each).
//
//	duckdb --analysis sales --input DIR --output DIR
//	duckdb --analysis advanced --input DIR --output DIR --as-of 2025-01-15
//
// The SQL follows beamline's semantics (transforms/sales, employees,
// advanced, customers): money averages rounded half away from zero to the
// cent, four-decimal figures rounded half away from zero and written
// without trailing zeros, ties broken like beamline, a customer's name
// taken from its latest sale (by date, then by position in the file). A
// dataset with a declared order (beamline's _SUCCESS "order") is written in
// that order; the per-row datasets, which have none (sales_anomalies,
// data_anomalies, cohort_analysis, sales_trends), in whatever order DuckDB
// produces. Unlike the pipelines it validates nothing: the input must be clean (the
// generator's output with --dirty 0).
package main

import (
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver
)

func main() {
	analysis := flag.String("analysis", "", "what to compute: sales, employees or advanced (required)")
	input := flag.String("input", "", "directory holding sales_data.csv and sample_data.csv (required)")
	output := flag.String("output", "", "results root: datasets go to <output>/pig and <output>/spark (required)")
	asOf := flag.String("as-of", "", "(advanced) the date \"today\" means, yyyy-MM-dd (default: the day after the latest sale_date, like the pipeline)")
	threads := flag.Int("threads", 2, "DuckDB worker threads")
	verbose := flag.Bool("verbose", false, "print each query's time to stderr")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), `duckdb — beamline's datasets computed by DuckDB (the benchmark's reference)

Usage: duckdb --analysis sales|employees|advanced --input DIR --output DIR [flags]

Loads the CSV input into DuckDB tables, then runs one query per dataset and
writes it as CSV with a header under <output>/pig/<name>/part-00000.csv
(sales, employees) or <output>/spark/<name>/part-00000.csv (advanced).

Flags:
`)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 || *input == "" || *output == "" {
		flag.Usage()
		os.Exit(2)
	}
	var datasets []dataset
	var loads []string
	switch *analysis {
	case "sales":
		datasets, loads = salesDatasets, []string{"sales"}
	case "employees":
		datasets, loads = employeeDatasets, []string{"employees"}
	case "advanced":
		loads = []string{"employees", "sales"}
	default:
		fmt.Fprintf(os.Stderr, "duckdb: --analysis must be sales, employees or advanced, not %q\n", *analysis)
		os.Exit(2)
	}
	if *asOf != "" {
		if _, err := time.Parse("2006-01-02", *asOf); err != nil {
			fmt.Fprintf(os.Stderr, "duckdb: --as-of: not a yyyy-MM-dd date: %q\n", *asOf)
			os.Exit(2)
		}
	}
	r := runner{verbose: *verbose}
	if err := r.run(*analysis, *input, *output, *asOf, *threads, loads, datasets); err != nil {
		fmt.Fprintf(os.Stderr, "duckdb: %v\n", err)
		os.Exit(1)
	}
}

// dataset is one output: its folder under the results root and the query
// computing it.
type dataset struct {
	family, name, query string
}

// runner runs the statements of one analysis on one connection.
type runner struct {
	db      *sql.DB
	verbose bool
}

func (r *runner) exec(label, stmt string) error {
	start := time.Now()
	if _, err := r.db.Exec(stmt); err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	if r.verbose {
		fmt.Fprintf(os.Stderr, "%-28s %6.3fs\n", label, time.Since(start).Seconds())
	}
	return nil
}

func (r *runner) run(analysis, input, output, asOf string, threads int, loads []string, datasets []dataset) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	// One connection: settings, macros and temporary tables belong to it.
	db.SetMaxOpenConns(1)
	r.db = db
	if err := r.exec("settings", fmt.Sprintf("SET threads = %d; SET preserve_insertion_order = true", threads)); err != nil {
		return err
	}
	if err := r.exec("macros", macros); err != nil {
		return err
	}
	counts := map[string]int64{}
	for _, table := range loads {
		file := map[string]string{"sales": "sales_data.csv", "employees": "sample_data.csv"}[table]
		if err := r.exec("load "+table, fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM read_csv(%s, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = %s)",
			table, literal(filepath.Join(input, file)), columnTypes[table])); err != nil {
			return err
		}
		var n int64
		if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			return err
		}
		counts[table] = n
	}
	if analysis == "advanced" {
		if asOf == "" {
			// Like the pipeline: the day after the latest sale_date.
			var d sql.NullTime
			if err := db.QueryRow("SELECT max(sale_date) + 1 FROM sales").Scan(&d); err != nil {
				return err
			}
			if !d.Valid {
				return errors.New("no sales to take the as-of date from: give --as-of")
			}
			asOf = d.Time.Format("2006-01-02")
		}
		if err := r.exec("as-of", "CREATE MACRO as_of() AS DATE "+literal(asOf)); err != nil {
			return err
		}
		if err := r.exec("customers", advancedSetup); err != nil {
			return err
		}
		features, err := r.featuresQuery()
		if err != nil {
			return err
		}
		datasets = append(append([]dataset(nil), advancedDatasets...), dataset{"spark", "ml_features", features})
	}
	for _, d := range datasets {
		dir := filepath.Join(output, d.family, d.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		stmt := fmt.Sprintf("COPY (%s) TO %s (FORMAT csv, HEADER true, DELIMITER ',')", d.query, literal(filepath.Join(dir, "part-00000.csv")))
		if err := r.exec(d.name, stmt); err != nil {
			return err
		}
	}
	var version string
	if err := db.QueryRow("SELECT version()").Scan(&version); err != nil {
		return err
	}
	var read []string
	for _, t := range loads {
		read = append(read, fmt.Sprintf("%d %s", counts[t], t))
	}
	fmt.Printf("duckdb %s: read %s; wrote %d datasets to %s (DuckDB %s, %d threads)\n",
		analysis, strings.Join(read, ", "), len(datasets), output, version, threads)
	return nil
}

// literal quotes s as an SQL string literal.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// columnTypes are the input files' columns, in file order, with their types.
var columnTypes = map[string]string{
	"sales": `{'transaction_id': 'VARCHAR', 'product_id': 'VARCHAR', 'product_name': 'VARCHAR', 'category': 'VARCHAR',
		'quantity': 'BIGINT', 'unit_price': 'DECIMAL(18,2)', 'total_amount': 'DECIMAL(18,2)', 'customer_id': 'VARCHAR',
		'customer_name': 'VARCHAR', 'sale_date': 'DATE', 'region': 'VARCHAR', 'salesperson': 'VARCHAR'}`,
	"employees": `{'id': 'BIGINT', 'name': 'VARCHAR', 'age': 'BIGINT', 'city': 'VARCHAR', 'salary': 'DECIMAL(18,2)',
		'department': 'VARCHAR', 'hire_date': 'DATE', 'status': 'VARCHAR'}`,
}

// macros are beamline's number rules in SQL:
//   - divround(a, b): a / b rounded half away from zero (integers; b > 0 or 0 → 0);
//   - cents(x): a DECIMAL amount as an integer number of cents;
//   - mavg(sum, n): the mean of n amounts summing to sum, to the cent (money.Avg);
//   - ratio4 / pct4: num/den and num×100/den as integer ten-thousandths (decimal.Ratio, decimal.Percent);
//   - round4(f): a float as ten-thousandths, half away from zero (decimal.Float);
//   - z(x, mean, sd): x standardised, as ten-thousandths; 0 when sd is 0 (advanced.Standardise);
//   - fmt4(v): ten-thousandths written with up to four decimals, no trailing zeros (decimal.Fixed4);
//   - pos(d, rowid): a sale's position, latest date then latest row last (the customer name rule);
//   - mois(d): the French name of d's month and its year (the executive sales summary).
const macros = `
CREATE MACRO divround(a, b) AS CASE WHEN b = 0 THEN 0
	WHEN a >= 0 THEN (2 * a::HUGEINT + b) // (2 * b)
	ELSE -((2 * (-a::HUGEINT) + b) // (2 * b)) END;
CREATE MACRO cents(x) AS (x * 100)::HUGEINT;
CREATE MACRO mavg(s, n) AS divround(cents(s), n) * 0.01;
CREATE MACRO ratio4(num, den) AS divround(num::HUGEINT * 10000, den);
CREATE MACRO pct4(num, den) AS divround(num::HUGEINT * 1000000, den);
CREATE MACRO round4(f) AS round(f * 10000)::BIGINT;
CREATE MACRO z(x, m, d) AS CASE WHEN d = 0 THEN 0 ELSE round4((x - m) / d) END;
CREATE MACRO fmt4(v) AS (CASE WHEN v < 0 THEN '-' ELSE '' END) || (abs(v) // 10000)::VARCHAR ||
	CASE WHEN abs(v) % 10000 = 0 THEN '' ELSE '.' || rtrim(lpad((abs(v) % 10000)::VARCHAR, 4, '0'), '0') END;
CREATE MACRO pos(d, r) AS (d - DATE '1970-01-01')::BIGINT * 4294967296 + r;
CREATE MACRO mois(d) AS ['Janvier', 'Février', 'Mars', 'Avril', 'Mai', 'Juin', 'Juillet', 'Août', 'Septembre',
	'Octobre', 'Novembre', 'Décembre'][month(d)] || ' ' || year(d)::VARCHAR;
`

// salesDatasets are the 11 datasets of pipelines/sales (transforms/sales).
var salesDatasets = []dataset{
	{"pig", "sales_kpi_global", `
SELECT count(*) AS total_transactions, sum(total_amount) AS total_revenue,
	mavg(sum(total_amount), count(*)) AS avg_transaction_value, sum(quantity) AS total_units_sold,
	count(DISTINCT customer_id) AS unique_customers
FROM sales`},
	{"pig", "sales_by_category", `
SELECT category, count(*) AS transaction_count, sum(total_amount) AS total_revenue,
	mavg(sum(total_amount), count(*)) AS avg_transaction_value, sum(quantity) AS total_quantity,
	mavg(sum(unit_price), count(*)) AS avg_unit_price
FROM sales GROUP BY category ORDER BY total_revenue DESC, category`},
	{"pig", "sales_by_region", `
SELECT region, count(*) AS transactions, sum(total_amount) AS revenue,
	mavg(sum(total_amount), count(*)) AS avg_order_value, count(DISTINCT customer_id) AS unique_customers,
	mavg(sum(total_amount), count(DISTINCT customer_id)) AS revenue_per_customer
FROM sales GROUP BY region ORDER BY revenue DESC, region`},
	{"pig", "salesperson_performance", `
SELECT salesperson, count(*) AS total_sales, sum(total_amount) AS total_revenue,
	mavg(sum(total_amount), count(*)) AS avg_sale_amount, count(DISTINCT customer_id) AS customers_served
FROM sales GROUP BY salesperson ORDER BY total_revenue DESC, salesperson`},
	{"pig", "daily_sales_trend", `
SELECT sale_date, count(*) AS daily_transactions, sum(total_amount) AS daily_revenue,
	mavg(sum(total_amount), count(*)) AS avg_daily_transaction
FROM sales GROUP BY sale_date ORDER BY sale_date`},
	{"pig", "monthly_sales_trend", `
SELECT strftime(sale_date, '%Y-%m') AS year_month, count(*) AS transactions, sum(total_amount) AS revenue,
	mavg(sum(total_amount), count(*)) AS avg_transaction_value, sum(quantity) AS units
FROM sales GROUP BY year_month ORDER BY year_month`},
	{"pig", "top_products", `
SELECT product_name, count(*) AS times_sold, sum(quantity) AS total_quantity_sold,
	sum(total_amount) AS total_product_revenue, mavg(sum(unit_price), count(*)) AS avg_unit_price
FROM sales GROUP BY product_name ORDER BY total_product_revenue DESC, product_name LIMIT 10`},
	{"pig", "vip_customers", `
SELECT customer_id, arg_max(customer_name, pos(sale_date, rowid)) AS customer_name, count(*) AS purchase_frequency,
	sum(total_amount) AS total_spent, mavg(sum(total_amount), count(*)) AS avg_order_value,
	sum(quantity) AS total_items_bought
FROM sales GROUP BY customer_id HAVING count(*) > 2 ORDER BY total_spent DESC, customer_id`},
	{"pig", "basket_analysis", `
WITH b AS (
	SELECT CASE WHEN quantity = 1 THEN 'Single Item' WHEN quantity <= 2 THEN 'Small Basket (2 items)'
		ELSE 'Large Basket (3+ items)' END AS basket_size, count(*) AS n, sum(total_amount) AS revenue
	FROM sales GROUP BY basket_size)
SELECT basket_size, n AS transaction_count, revenue AS revenue_contribution, mavg(revenue, n) AS avg_transaction_value,
	fmt4(pct4(cents(revenue), cents(sum(revenue) OVER ()))) AS revenue_percentage
FROM b ORDER BY CASE basket_size WHEN 'Single Item' THEN 0 WHEN 'Small Basket (2 items)' THEN 1 ELSE 2 END`},
	{"pig", "executive_sales_summary", `
WITH t AS (SELECT min(sale_date) AS d0, max(sale_date) AS d1, count(*) AS n, sum(total_amount) AS revenue,
	sum(quantity) AS units FROM sales)
SELECT 'RAPPORT EXÉCUTIF VENTES - Période: ' ||
	CASE WHEN n = 0 THEN 'aucune vente' WHEN mois(d0) = mois(d1) THEN mois(d0) ELSE mois(d0) || ' – ' || mois(d1) END ||
	' | Total transactions: ' || n::VARCHAR ||
	' | Chiffre d''affaires: $' || divround(cents(coalesce(revenue, 0)), 100)::VARCHAR ||
	' | Panier moyen: $' || divround(divround(cents(coalesce(revenue, 0)), n), 100)::VARCHAR ||
	' | Unités vendues: ' || coalesce(units, 0)::VARCHAR AS report
FROM t`},
	{"pig", "sales_anomalies", `
SELECT transaction_id, product_name, quantity, unit_price, total_amount, customer_name, 'HIGH_VALUE' AS anomaly_type
FROM sales WHERE total_amount > 2000 OR quantity > 5 OR unit_price > 1500`},
}

// employeeDatasets are the 9 datasets of pipelines/employees
// (transforms/employees).
var employeeDatasets = []dataset{
	{"pig", "total_employees", `SELECT count(*) AS total_count FROM employees`},
	{"pig", "department_statistics", `
SELECT department, count(*) AS employee_count, mavg(sum(salary), count(*)) AS avg_salary,
	min(salary) AS min_salary, max(salary) AS max_salary, fmt4(ratio4(sum(age), count(*))) AS avg_age
FROM employees GROUP BY department ORDER BY employee_count DESC, department`},
	{"pig", "department_summary_report", `
SELECT 'Department: ' || department || ' | Employees: ' || count(*)::VARCHAR ||
	' | Avg Salary: $' || divround(divround(cents(sum(salary)), count(*)), 100)::VARCHAR ||
	' | Avg Age: ' || divround(sum(age), count(*))::VARCHAR AS report
FROM employees GROUP BY department ORDER BY count(*) DESC, department`},
	{"pig", "city_analysis", `
SELECT city, count(*) AS employee_count, mavg(sum(salary), count(*)) AS avg_salary_city
FROM employees GROUP BY city HAVING count(*) > 1 ORDER BY employee_count DESC, city`},
	{"pig", "age_group_analysis", `
SELECT CASE WHEN age < 30 THEN 'Young (< 30)' WHEN age < 40 THEN 'Middle (30-39)' ELSE 'Senior (40+)' END AS age_group,
	count(*) AS count, mavg(sum(salary), count(*)) AS avg_salary, fmt4(ratio4(sum(age), count(*))) AS avg_age
FROM employees GROUP BY age_group ORDER BY sum(age) / count(*), age_group`},
	{"pig", "salary_bracket_analysis", `
SELECT CASE WHEN salary < 60000 THEN 'Low (< 60K)' WHEN salary < 80000 THEN 'Medium (60K-80K)' ELSE 'High (80K+)' END AS salary_bracket,
	count(*) AS count, mavg(sum(salary), count(*)) AS avg_salary, fmt4(ratio4(sum(age), count(*))) AS avg_age
FROM employees GROUP BY salary_bracket
ORDER BY CASE salary_bracket WHEN 'Low (< 60K)' THEN 0 WHEN 'Medium (60K-80K)' THEN 1 ELSE 2 END`},
	{"pig", "status_analysis", `
SELECT status, count(*) AS count, mavg(sum(salary), count(*)) AS avg_salary,
	fmt4(pct4(count(*), sum(count(*)) OVER ())) AS percentage
FROM employees GROUP BY status ORDER BY count(*) DESC, status`},
	{"pig", "top_10_earners", `
SELECT name, department, city, salary, age FROM employees
ORDER BY salary DESC, name, department, city, id LIMIT 10`},
	{"pig", "data_anomalies", `
SELECT id, name, age, city, salary, department, hire_date, status FROM employees
WHERE salary < 10000 OR salary > 200000 OR age < 18 OR age > 70`},
}

// advancedSetup builds what several advanced datasets share, like the
// pipeline's customer table: one row per customer, each customer's
// distinct products (also as integer codes, customer by row and product in
// name order, clustered by customer, so that the pair count joins and
// groups integers with good locality: 3 s instead of 61 s on 10M rows with
// product names), and the
// scored employees (salary rank and percentile within the department, days
// of service at the as-of date, segment).
const advancedSetup = `
CREATE TEMP TABLE customers AS
SELECT customer_id, arg_max(customer_name, pos(sale_date, rowid)) AS customer_name, min(sale_date) AS first_date,
	max(sale_date) AS last_date, count(*) AS orders, sum(total_amount) AS spent
FROM sales GROUP BY customer_id;
CREATE TEMP TABLE customer_products AS SELECT DISTINCT customer_id, product_name FROM sales;
CREATE TEMP TABLE product_codes AS
SELECT product_name, (row_number() OVER (ORDER BY product_name))::INTEGER AS code
FROM (SELECT DISTINCT product_name FROM customer_products);
CREATE TEMP TABLE customer_product_codes AS
SELECT c.rowid::INTEGER AS customer, p.code
FROM customer_products cp JOIN customers c ON c.customer_id = cp.customer_id JOIN product_codes p ON p.product_name = cp.product_name
ORDER BY customer, code;
CREATE TEMP TABLE scored AS
WITH r AS (
	SELECT name, department, salary, status, (as_of() - hire_date) AS days,
		rank() OVER (PARTITION BY department ORDER BY salary) - 1 AS below,
		rank() OVER (PARTITION BY department ORDER BY salary DESC) AS salary_rank,
		count(*) OVER (PARTITION BY department) AS n
	FROM employees)
SELECT *, CASE
	WHEN n > 1 AND below * 5 >= 4 * (n - 1) AND days * 4 >= 3 * 1461 THEN 0
	WHEN n > 1 AND below * 5 >= 3 * (n - 1) AND days * 4 >= 2 * 1461 THEN 1
	WHEN n > 1 AND below * 5 >= 2 * (n - 1) THEN 2
	ELSE 3 END AS segment
FROM r;
`

// advancedDatasets are the datasets of pipelines/advanced
// (transforms/advanced) but ml_features, whose columns depend on the data.
var advancedDatasets = []dataset{
	{"spark", "employee_performance", `
SELECT department, ['High Performer', 'Good Performer', 'Average Performer', 'Developing'][segment + 1] AS performance_segment,
	count(*) AS employee_count, mavg(sum(salary), count(*)) AS avg_salary,
	CASE WHEN count(*) > 1 THEN round(sqrt(greatest(0, (count(*) * sum(cents(salary) * cents(salary)) - sum(cents(salary)) * sum(cents(salary)))::DOUBLE
		/ (count(*) * (count(*) - 1))::DOUBLE)))::BIGINT * 0.01 END AS salary_std,
	fmt4(ratio4(sum(days) * 4, count(*) * 1461)) AS avg_tenure, count(*) FILTER (WHERE status = 'Active') AS active_employees
FROM scored GROUP BY department, segment ORDER BY department, segment`},
	{"spark", "top_performers", `
SELECT name, department, salary, fmt4(ratio4(days * 4, 1461)) AS years_service, salary_rank
FROM scored WHERE segment = 0 ORDER BY department, salary_rank, name`},
	{"spark", "customer_rfm_analysis", `
WITH s AS (
	SELECT *, as_of() - last_date AS recency,
		CASE WHEN recency <= 7 THEN 3 WHEN recency <= 14 THEN 2 ELSE 1 END AS r,
		CASE WHEN orders >= 3 THEN 3 WHEN orders >= 2 THEN 2 ELSE 1 END AS f,
		CASE WHEN spent >= 1000 THEN 3 WHEN spent >= 500 THEN 2 ELSE 1 END AS m
	FROM customers)
SELECT customer_id, customer_name, last_date AS last_purchase_date, orders AS frequency, spent AS monetary_value,
	mavg(spent, orders) AS avg_order_value, recency AS recency_days, r AS r_score, f AS f_score, m AS m_score,
	r + f + m AS rfm_score,
	CASE WHEN r + f + m >= 8 THEN 'Champions' WHEN r + f + m >= 6 THEN 'Loyal Customers'
		WHEN r + f + m >= 4 THEN 'Potential Loyalists' ELSE 'New Customers' END AS customer_segment
FROM s ORDER BY customer_id`},
	{"spark", "cohort_analysis", `
SELECT s.transaction_id, s.product_id, s.product_name, s.category, s.quantity, s.unit_price, s.total_amount,
	s.customer_id, s.customer_name, s.sale_date, s.region, s.salesperson,
	strftime(c.first_date, '%Y-%m') AS customer_cohort, date_diff('month', c.first_date, s.sale_date) AS period_number
FROM sales s JOIN customers c ON c.customer_id = s.customer_id`},
	{"spark", "geographic_analysis", `
WITH g AS (
	SELECT region, category, sum(total_amount) AS revenue, count(*) AS transactions,
		count(DISTINCT customer_id) AS unique_customers
	FROM sales GROUP BY region, category)
SELECT region, category, revenue, transactions, unique_customers, mavg(revenue, transactions) AS avg_transaction,
	fmt4(ratio4(cents(revenue), cents(sum(revenue) OVER (PARTITION BY region)))) AS market_share,
	rank() OVER (PARTITION BY category ORDER BY revenue DESC) AS region_rank
FROM g ORDER BY region, category`},
	{"spark", "executive_summary", `
WITH e AS (SELECT count(*) AS n, coalesce(sum(salary), 0) AS s, count(DISTINCT department) AS departments,
		count(DISTINCT city) AS cities FROM employees),
	t AS (SELECT count(*) AS n, coalesce(sum(total_amount), 0) AS revenue, count(DISTINCT product_id) AS products FROM sales),
	m AS (
		SELECT 1 AS i, 'Total Employees' AS metric, n::VARCHAR AS value, 'HR' AS type FROM e
		UNION ALL SELECT 2, 'Average Salary', '$' || mavg(s, n)::VARCHAR, 'HR' FROM e
		UNION ALL SELECT 3, 'Departments', departments::VARCHAR, 'HR' FROM e
		UNION ALL SELECT 4, 'Cities', cities::VARCHAR, 'HR' FROM e
		UNION ALL SELECT 5, 'Total Transactions', n::VARCHAR, 'Sales' FROM t
		UNION ALL SELECT 6, 'Total Revenue', '$' || revenue::VARCHAR, 'Sales' FROM t
		UNION ALL SELECT 7, 'Average Transaction', '$' || mavg(revenue, n)::VARCHAR, 'Sales' FROM t
		UNION ALL SELECT 8, 'Unique Customers', (SELECT count(*) FROM customers)::VARCHAR, 'Sales'
		UNION ALL SELECT 9, 'Unique Products', products::VARCHAR, 'Sales' FROM t)
SELECT metric, value, type FROM m ORDER BY i`},
	{"spark", "sales_trends", `
WITH d AS (SELECT sale_date, sum(sum(total_amount)) OVER (ORDER BY sale_date) AS running_total FROM sales GROUP BY sale_date)
SELECT s.transaction_id, s.sale_date, s.customer_id, s.product_name, s.total_amount, d.running_total,
	rank() OVER (PARTITION BY s.sale_date ORDER BY s.total_amount DESC) AS daily_rank
FROM sales s JOIN d ON d.sale_date = s.sale_date`},
	{"spark", "market_basket", `
WITH p AS (SELECT customer_id, array_to_string(list_sort(list(product_name)), '; ') AS products, count(*) AS product_count
	FROM customer_products GROUP BY customer_id)
SELECT c.customer_id, c.customer_name, p.products, p.product_count
FROM customers c JOIN p ON p.customer_id = c.customer_id ORDER BY c.customer_id`},
	{"spark", "market_basket_pairs", `
WITH buyers AS (SELECT product_name, count(*) AS n FROM customer_products GROUP BY product_name),
	pairs AS (
		SELECT a.code AS a, b.code AS b, count(*) AS customers
		FROM customer_product_codes a JOIN customer_product_codes b ON a.customer = b.customer AND a.code < b.code
		GROUP BY a.code, b.code ORDER BY customers DESC, a, b LIMIT 100),
	total AS (SELECT count(*) AS n FROM customers)
SELECT pa.product_name AS product_a, pb.product_name AS product_b, customers, fmt4(ratio4(customers, total.n)) AS support,
	fmt4(round4(customers::DOUBLE * total.n::DOUBLE / (ba.n::DOUBLE * bb.n::DOUBLE))) AS lift
FROM pairs JOIN product_codes pa ON pa.code = pairs.a JOIN product_codes pb ON pb.code = pairs.b
	JOIN buyers ba ON ba.product_name = pa.product_name JOIN buyers bb ON bb.product_name = pb.product_name, total
ORDER BY customers DESC, product_a, product_b`},
}

// featuresQuery builds the ml_features query: its share_<category> columns
// depend on the categories in the data.
func (r *runner) featuresQuery() (string, error) {
	rows, err := r.db.Query("SELECT DISTINCT category FROM sales ORDER BY category")
	if err != nil {
		return "", err
	}
	var categories []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return "", err
		}
		categories = append(categories, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	sort.Strings(categories)
	features := []string{"recency", "frequency", "monetary", "avg_basket"}
	used := map[string]bool{"customer_id": true, "recency": true, "frequency": true, "monetary": true, "avg_basket": true}
	var shares, pivot []string
	for i, cat := range categories {
		name := "share_" + slug(cat)
		for base, k := name, 2; used[name]; k++ {
			name = fmt.Sprintf("%s_%d", base, k)
		}
		used[name] = true
		col := fmt.Sprintf("s%d", i)
		features = append(features, col)
		shares = append(shares, fmt.Sprintf("fmt4(z(%s, m%d, d%d)) AS %q", col, len(features)-1, len(features)-1, name))
		pivot = append(pivot, fmt.Sprintf("CASE WHEN c.spent = 0 THEN 0 ELSE coalesce(sum(cents(cs.spend)) FILTER (WHERE cs.category = %s), 0)::DOUBLE / cents(c.spent)::DOUBLE END AS %s", literal(cat), col))
	}
	var stats, out []string
	for i, f := range features {
		stats = append(stats, fmt.Sprintf("avg(%s) AS m%d, stddev_pop(%s) AS d%d", f, i, f, i))
		if i < 4 {
			out = append(out, fmt.Sprintf("fmt4(z(%s, m%d, d%d)) AS %s", f, i, i, f))
		}
	}
	out = append(out, shares...)
	pivotCols := ""
	if len(pivot) > 0 {
		pivotCols = ",\n\t\t" + strings.Join(pivot, ",\n\t\t")
	}
	return `
WITH cs AS (SELECT customer_id, category, sum(total_amount) AS spend FROM sales GROUP BY customer_id, category),
	f AS (
		SELECT c.customer_id, (as_of() - c.last_date)::DOUBLE AS recency, c.orders::DOUBLE AS frequency,
			cents(c.spent)::DOUBLE / 100 AS monetary, cents(c.spent)::DOUBLE / 100 / c.orders::DOUBLE AS avg_basket` + pivotCols + `
		FROM customers c LEFT JOIN cs ON cs.customer_id = c.customer_id
		GROUP BY c.customer_id, c.last_date, c.orders, c.spent),
	st AS (SELECT ` + strings.Join(stats, ", ") + ` FROM f)
SELECT customer_id, ` + strings.Join(out, ", ") + `
FROM f, st ORDER BY customer_id`, nil
}

// slug turns a category into a column-name part like the pipeline: lower
// case, every run of other characters than letters and digits as one '_'.
func slug(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}
