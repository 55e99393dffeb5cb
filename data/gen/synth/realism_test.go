package synth

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/records"
)

func TestSalesAreRealistic(t *testing.T) {
	cfg := Config{Rows: 20000, Seed: 1}
	_, data, _, _ := generate(t, cfg)
	sales, rb := readBack(t, SalesFile, data, records.SaleColumns, records.ParseSaleInto)
	if len(rb.Rows) != 0 || len(sales) != 20000 {
		t.Fatalf("%d clean, %d rejects", len(sales), len(rb.Rows))
	}
	txnRE := regexp.MustCompile(`^T\d{8}$`)
	custRE := regexp.MustCompile(`^C\d{7}$`)
	prodRE := regexp.MustCompile(`^P\d{4}$`)

	type prod struct {
		name, category string
		price          money.Cents
	}
	products := map[string]prod{}
	productIDs := map[string]string{}
	categories := map[string]bool{}
	type buyer struct {
		orders  int
		months  map[calendar.Month]bool
		first   calendar.Month
		regions map[string]int
	}
	buyers := map[string]*buyer{}
	sellers := map[string]string{}
	var qty1, qtyBig, pricey int
	var prev calendar.Date
	for i, s := range sales {
		if !txnRE.MatchString(s.TransactionID) || !custRE.MatchString(s.CustomerID) || !prodRE.MatchString(s.ProductID) {
			t.Fatalf("row %d: ids %s %s %s", i, s.TransactionID, s.CustomerID, s.ProductID)
		}
		if want := s.UnitPrice * money.Cents(s.Quantity); s.TotalAmount != want {
			t.Errorf("%s: total %v, want %v", s.TransactionID, s.TotalAmount, want)
		}
		if s.SaleDate < prev || s.SaleDate < salesStart || s.SaleDate > salesEnd {
			t.Errorf("%s: date %v out of order or range", s.TransactionID, s.SaleDate)
		}
		prev = s.SaleDate
		p := prod{s.ProductName, s.Category, s.UnitPrice}
		if old, ok := products[s.ProductID]; ok && old != p {
			t.Errorf("product %s is %v and %v", s.ProductID, old, p)
		}
		products[s.ProductID] = p
		if id, ok := productIDs[s.ProductName]; ok && id != s.ProductID {
			t.Errorf("product name %q has ids %s and %s", s.ProductName, id, s.ProductID)
		}
		productIDs[s.ProductName] = s.ProductID
		categories[s.Category] = true
		if s.UnitPrice > 1500_00 {
			pricey++
		}
		switch {
		case s.Quantity == 1:
			qty1++
		case s.Quantity > 5:
			qtyBig++
		}
		b := buyers[s.CustomerID]
		if b == nil {
			b = &buyer{months: map[calendar.Month]bool{}, first: s.SaleDate.Month(), regions: map[string]int{}}
			buyers[s.CustomerID] = b
		}
		b.orders++
		b.months[s.SaleDate.Month()] = true
		b.regions[s.Region]++
		if r, ok := sellers[s.Salesperson]; ok && r != s.Region {
			t.Errorf("salesperson %s sells in %s and %s", s.Salesperson, r, s.Region)
		}
		sellers[s.Salesperson] = s.Region
	}
	if int(sales[len(sales)-1].SaleDate-sales[0].SaleDate) < 700 {
		t.Errorf("sales span %v..%v", sales[0].SaleDate, sales[len(sales)-1].SaleDate)
	}
	if len(products) < 200 || len(categories) < 8 || len(categories) > 10 {
		t.Errorf("%d products in %d categories", len(products), len(categories))
	}
	if pricey == 0 {
		t.Error("no sale of a product over 1500")
	}
	if n := len(sales); qty1 < n/2 || qtyBig == 0 || qtyBig > n/20 {
		t.Errorf("quantities: %d of 1, %d over 5, of %d", qty1, qtyBig, n)
	}
	perRegion := map[string]int{}
	for _, r := range sellers {
		perRegion[r]++
	}
	if len(perRegion) != 6 {
		t.Errorf("salespeople by region: %v", perRegion)
	}
	for r, n := range perRegion {
		if n != 5 {
			t.Errorf("%s has %d salespeople", r, n)
		}
	}

	// Customers: about rows/50, acquired over the period, buying again over
	// several months, mostly in one region.
	if n := int64(len(buyers)); n < customerCount(cfg.Rows)*9/10 || n > customerCount(cfg.Rows) {
		t.Errorf("%d customers, want about %d", n, customerCount(cfg.Rows))
	}
	var repeat, multiMonth, home, all int
	cohorts := map[calendar.Month]int{}
	for _, b := range buyers {
		if b.orders > 2 {
			repeat++
		}
		if len(b.months) > 1 {
			multiMonth++
		}
		cohorts[b.first]++
		top := 0
		for _, n := range b.regions {
			top = max(top, n)
		}
		home += top
		all += b.orders
	}
	if repeat < len(buyers)*6/10 || multiMonth < len(buyers)*7/10 {
		t.Errorf("of %d customers, %d bought more than twice, %d in several months", len(buyers), repeat, multiMonth)
	}
	if len(cohorts) < 18 {
		t.Errorf("first purchases in only %d months", len(cohorts))
	}
	if home < all*85/100 {
		t.Errorf("%d of %d purchases in the customer's main region", home, all)
	}
}

func TestNamesAreVaried(t *testing.T) {
	var apostrophe, accent, comma bool
	for c := range int64(2000) {
		n := nameFromHash(splitmix64(uint64(c))).String()
		apostrophe = apostrophe || strings.Contains(n, "'")
		comma = comma || strings.Contains(n, ",")
		for _, r := range n {
			accent = accent || r >= utf8.RuneSelf
		}
	}
	if !apostrophe || !accent || !comma {
		t.Errorf("names: apostrophe %v, accent %v, comma %v", apostrophe, accent, comma)
	}
	seen := map[string]bool{}
	for _, r := range regions {
		for _, s := range r.salespeople {
			if seen[s] {
				t.Errorf("salesperson %s twice", s)
			}
			seen[s] = true
		}
	}
}

func TestEmployeesAreRealistic(t *testing.T) {
	cfg := Config{Employees: 5000, Seed: 3}
	data, _, _, _ := generate(t, cfg)
	emps, rb := readBack(t, EmployeesFile, data, records.EmployeeColumns, records.ParseEmployeeInto)
	if len(rb.Rows) != 0 || len(emps) != 5000 {
		t.Fatalf("%d clean, %d rejects", len(emps), len(rb.Rows))
	}
	cityNames := map[string]bool{}
	depts := map[string]int{}
	status := map[string]int{}
	var young, old, low, high int
	for i, e := range emps {
		if e.ID != int64(i+1) {
			t.Fatalf("row %d has id %d", i, e.ID)
		}
		switch {
		case e.Age < 18:
			young++
		case e.Age > 70:
			old++
		case e.Age < 21 || e.Age > 65:
			t.Errorf("employee %d: age %d", e.ID, e.Age)
		}
		switch {
		case e.Salary < 10_000_00:
			low++
		case e.Salary > 200_000_00:
			high++
		}
		if e.Salary%500_00 != 0 {
			t.Errorf("employee %d: salary %v not rounded to 500", e.ID, e.Salary)
		}
		if e.HireDate < firstHire || e.HireDate > lastHire {
			t.Errorf("employee %d: hired %v", e.ID, e.HireDate)
		}
		if y, _, _ := e.HireDate.YMD(); e.Age >= 18 && int64(y) < int64(asOfYear)-e.Age+18 {
			t.Errorf("employee %d: aged %d, hired in %d", e.ID, e.Age, y)
		}
		cityNames[e.City] = true
		depts[e.Department]++
		status[e.Status]++
	}
	if young == 0 || old == 0 || low == 0 || high == 0 {
		t.Errorf("outliers: %d under 18, %d over 70, %d under 10k, %d over 200k", young, old, low, high)
	}
	for _, c := range []string{"São Paulo", "Zürich", "Kraków"} {
		if !cityNames[c] {
			t.Errorf("no employee in %s", c)
		}
	}
	if len(cityNames) < 50 || len(depts) != 8 {
		t.Errorf("%d cities, %d departments", len(cityNames), len(depts))
	}
	if status["Active"] < len(emps)*3/4 || status["Inactive"] == 0 || status["On Leave"] == 0 {
		t.Errorf("statuses %v", status)
	}
	if depts["Engineering"] < 3*depts["Legal"] {
		t.Errorf("departments too even: %v", depts)
	}
}

func TestCustomerAcquisition(t *testing.T) {
	for _, rows := range []int64{1, 37, 5000, 10_000_000} {
		m := newCustomers(rows, 1)
		if m.firstRow(0) != 0 || m.acquired(0) != 1 {
			t.Errorf("rows %d: first customer at %d", rows, m.firstRow(0))
		}
		for _, i := range []int64{0, 1, rows / 3, rows / 2, rows - 1} {
			if i < 0 || i >= rows {
				continue
			}
			a := m.acquired(i)
			if m.firstRow(a-1) > i || (a < m.count && m.firstRow(a) <= i) {
				t.Errorf("rows %d, row %d: acquired %d disagrees with firstRow", rows, i, a)
			}
		}
	}
}

func TestAppendDate(t *testing.T) {
	for _, d := range []calendar.Date{calendar.FromYMD(2005, 1, 1), calendar.FromYMD(2024, 12, 31), calendar.FromYMD(2024, 2, 29), calendar.FromYMD(987, 6, 5)} {
		if got := string(appendDate(nil, d)); got != d.String() {
			t.Errorf("appendDate(%v) = %s", d, got)
		}
	}
}
