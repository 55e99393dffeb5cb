package main

import (
	"os"
	"strings"
	"testing"

	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/transforms/money"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pipelinetest.Cleanup()
	os.Exit(code)
}

func csv(header []string, rows [][]string) string {
	s := strings.Join(header, ",")
	for _, r := range rows {
		s += "\n" + strings.Join(r, ",")
	}
	return s
}

// TestGolden checks the sales datasets of the reference data against the
// [golden] values of spec §5, with the rewrite's fixes: percentages of the
// computed total (not 37499.42), the period read from the data, money to the
// cent, ties broken by the first column.
func TestGolden(t *testing.T) {
	bin := pipelinetest.Build(t, "./pipelines/sales")
	out := t.TempDir()
	r := pipelinetest.MustRun(t, bin, "--output", out)
	if !strings.Contains(r.Stdout, "sales: read 50, clean 50, rejected 0") {
		t.Errorf("summary:\n%s", r.Stdout)
	}
	want := map[string]string{
		// 27619.28 / 50 = 552.3856 → 552.39.
		"pig/sales_kpi_global": `total_transactions,total_revenue,avg_transaction_value,total_units_sold,unique_customers
50,27619.28,552.39,72,50`,
		"pig/sales_by_category": `category,transaction_count,total_revenue,avg_transaction_value,total_quantity,avg_unit_price
Electronics,15,18099.79,1206.65,21,899.99
Furniture,9,5099.88,566.65,12,433.32
Appliances,9,1599.87,177.76,13,127.77
Clothing,8,1559.88,194.99,12,139.99
Sports,9,1259.86,139.98,14,94.43`,
		// Each customer buys once, so revenue_per_customer = avg_order_value.
		"pig/sales_by_region": `region,transactions,revenue,avg_order_value,unique_customers,revenue_per_customer
North America,25,13099.66,523.99,25,523.99
Asia,12,8449.83,704.15,12,704.15
Europe,8,4189.87,523.73,8,523.73
Africa,1,999.98,999.98,1,999.98
South America,2,749.96,374.98,2,374.98
Oceania,2,129.98,64.99,2,64.99`,
		"pig/salesperson_performance": `salesperson,total_sales,total_revenue,avg_sale_amount,customers_served
John Doe,10,8349.86,834.99,10
Tom Wilson,6,4519.90,753.32,6
Lisa Brown,10,4049.83,404.98,10
Sarah Lee,6,3929.93,654.99,6
Mike Johnson,10,3639.87,363.99,10
Jane Smith,3,1249.97,416.66,3
Ahmed Hassan,1,999.98,999.98,1
Carlos Rodriguez,2,749.96,374.98,2
Emma Davis,2,129.98,64.99,2`,
		// Yoga Mat (349.93) is the 11th and is cut.
		"pig/top_products": `product_name,times_sold,total_quantity_sold,total_product_revenue,avg_unit_price
Laptop Pro,5,6,7799.94,1299.99
Smartphone X,5,7,6299.93,899.99
Tablet Plus,5,8,3999.92,499.99
Standing Desk,4,5,2999.95,599.99
Office Chair,5,7,2099.93,299.99
Winter Jacket,4,5,999.95,199.99
Running Shoes,5,7,909.93,129.99
Coffee Maker,5,6,899.94,149.99
Blender Pro,4,7,699.93,99.99
Jeans Classic,4,7,559.93,79.99`,
		// Every customer buys once: no VIP (purchase_frequency > 2).
		"pig/vip_customers": "customer_id,customer_name,purchase_frequency,total_spent,avg_order_value,total_items_bought",
		// Of the true total 27619.28: 51.23% + 40.84% + 7.93% = 100%
		// (the original's 37499.42 gave 37.73 + 30.08 + 5.84 = 73.65%).
		"pig/basket_analysis": `basket_size,transaction_count,revenue_contribution,avg_transaction_value,revenue_percentage
Single Item,32,14149.68,442.18,51.2312
Small Basket (2 items),14,11279.72,805.69,40.84
Large Basket (3+ items),4,2189.88,547.47,7.9288`,
		"pig/executive_sales_summary": `report
RAPPORT EXÉCUTIF VENTES - Période: Août 2024 | Total transactions: 50 | Chiffre d'affaires: $27619 | Panier moyen: $552 | Unités vendues: 72`,
		// The only anomaly: 2 × 1299.99 = 2599.98 > 2000.
		"pig/sales_anomalies": `transaction_id,product_name,quantity,unit_price,total_amount,customer_name,anomaly_type
T001,Laptop Pro,2,1299.99,2599.98,Alice Johnson,HIGH_VALUE`,
		"pig/monthly_sales_trend": `year_month,transactions,revenue,avg_transaction_value,units
2024-08,50,27619.28,552.39,72`,
		"rejects/sales/sales": "line,reason,raw",
	}
	for path, wantCSV := range want {
		m, rows := pipelinetest.Dataset(t, out, path)
		if got := csv(m.Header(), rows); got != wantCSV {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", path, got, wantCSV)
		}
	}

	// daily_sales_trend: 25 days of exactly 2 transactions, in date order,
	// 2024-08-01 → 2, 3499.97, 1749.985 → 1749.99 (half away from zero).
	m, days := pipelinetest.Dataset(t, out, "pig/daily_sales_trend")
	if got := strings.Join(m.Header(), ","); got != "sale_date,daily_transactions,daily_revenue,avg_daily_transaction" {
		t.Errorf("daily header %s", got)
	}
	if len(days) != 25 || strings.Join(days[0], ",") != "2024-08-01,2,3499.97,1749.99" {
		t.Fatalf("daily: %d rows, first %v", len(days), days[0])
	}
	var total money.Cents
	for i, d := range days {
		if d[1] != "2" || (i > 0 && d[0] <= days[i-1][0]) {
			t.Errorf("day %v", d)
		}
		c, _ := money.Parse(d[2])
		total += c
	}
	if total.String() != "27619.28" {
		t.Errorf("daily revenue sums to %s", total)
	}
}
