package records

import (
	"strings"
	"testing"
)

func employee(overrides map[int]string) []string {
	f := []string{"1", "Alice Johnson", "28", "New York", "75000", "Engineering", "2021-03-15", "Active"}
	for i, v := range overrides {
		f[i] = v
	}
	return f
}

func sale(overrides map[int]string) []string {
	f := []string{"T001", "P101", "Laptop Pro", "Electronics", "2", "1299.99", "2599.98", "C001", "Alice Johnson", "2024-08-01", "North America", "John Doe"}
	for i, v := range overrides {
		f[i] = v
	}
	return f
}

func TestParseEmployee(t *testing.T) {
	e, reason := ParseEmployee(employee(nil), 2)
	if reason != "" {
		t.Fatalf("clean row rejected: %s", reason)
	}
	if e.ID != 1 || e.Age != 28 || e.Salary != 7500000 || e.HireDate.String() != "2021-03-15" || e.Line != 2 {
		t.Errorf("parsed %+v", e)
	}
	if got := strings.Join(e.Fields(), ","); got != "1,Alice Johnson,28,New York,75000.00,Engineering,2021-03-15,Active" {
		t.Errorf("Fields() = %s", got)
	}
	tests := []struct {
		f    map[int]string
		want string
	}{
		{map[int]string{0: "abc"}, `id: not an integer: "abc"`},
		{map[int]string{0: "1.0"}, `id: not an integer: "1.0"`},
		{map[int]string{0: "0"}, `id: must be > 0: "0"`},
		{map[int]string{0: "99999999999999999999"}, `id: integer out of range: "99999999999999999999"`},
		{map[int]string{1: ""}, `name: missing value`},
		{map[int]string{2: "abc"}, `age: not an integer: "abc"`},
		{map[int]string{2: "0"}, `age: out of range 1..120: "0"`},
		{map[int]string{2: "121"}, `age: out of range 1..120: "121"`},
		{map[int]string{3: ""}, `city: missing value`},
		{map[int]string{4: "-5"}, `salary: must be > 0: "-5"`},
		{map[int]string{4: "0"}, `salary: must be > 0: "0"`},
		{map[int]string{4: "7.5e4"}, `salary: not a number: "7.5e4"`},
		{map[int]string{4: "75,000"}, `salary: not a number: "75,000"`},
		{map[int]string{4: "NaN"}, `salary: not a number: "NaN"`},
		{map[int]string{4: "75000.001"}, `salary: more than 2 decimals: "75000.001"`},
		{map[int]string{6: "2023-02-30"}, `hire_date: not a date: "2023-02-30"`},
		{map[int]string{6: "15/03/2021"}, `hire_date: not a date: "15/03/2021"`},
		{map[int]string{7: ""}, `status: missing value`},
		{map[int]string{1: "Al\xffice"}, `name: invalid UTF-8: "Al` + "\uFFFD" + `ice"`},
		// The first failing rule in column order wins.
		{map[int]string{2: "x", 0: "y"}, `id: not an integer: "y"`},
	}
	for _, tt := range tests {
		if _, got := ParseEmployee(employee(tt.f), 1); got != tt.want {
			t.Errorf("ParseEmployee(%v) reason = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestParseSale(t *testing.T) {
	s, reason := ParseSale(sale(nil), 2)
	if reason != "" {
		t.Fatalf("clean row rejected: %s", reason)
	}
	if s.Quantity != 2 || s.UnitPrice != 129999 || s.TotalAmount != 259998 || s.SaleDate.String() != "2024-08-01" {
		t.Errorf("parsed %+v", s)
	}
	tests := []struct {
		f    map[int]string
		want string
	}{
		{map[int]string{0: ""}, `transaction_id: missing value`},
		{map[int]string{4: "0"}, `quantity: must be >= 1: "0"`},
		{map[int]string{4: "2.5"}, `quantity: not an integer: "2.5"`},
		{map[int]string{5: "0"}, `unit_price: must be > 0: "0"`},
		{map[int]string{6: "-1.00"}, `total_amount: must be >= 0: "-1.00"`},
		{map[int]string{6: "2599.95"}, `total_amount mismatch: "2599.95" is not 2 x 1299.99 = 2599.98`},
		{map[int]string{9: "2024/02/30"}, `sale_date: not a date: "2024/02/30"`},
		{map[int]string{11: ""}, `salesperson: missing value`},
	}
	for _, tt := range tests {
		if _, got := ParseSale(sale(tt.f), 1); got != tt.want {
			t.Errorf("ParseSale(%v) reason = %q, want %q", tt.f, got, tt.want)
		}
	}
	// Within 0.01 either way is accepted; the stored total is the file's.
	for _, total := range []string{"2599.97", "2599.99"} {
		if s, reason := ParseSale(sale(map[int]string{6: total}), 1); reason != "" || s.TotalAmount.String() != total {
			t.Errorf("total %s: %q", total, reason)
		}
	}
	// Zero total with a real price is a mismatch, not a negative.
	if _, reason := ParseSale(sale(map[int]string{6: "0"}), 1); !strings.HasPrefix(reason, "total_amount mismatch") {
		t.Errorf("zero total: %q", reason)
	}
	// Dates are standardised.
	for _, d := range []string{"2024/08/01", "2024-08-01T22:00:00-05:00"} {
		if s, reason := ParseSale(sale(map[int]string{9: d}), 1); reason != "" || s.SaleDate.String() != "2024-08-01" {
			t.Errorf("date %s: %v %q", d, s.SaleDate, reason)
		}
	}
}
