package docs

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/beamline/beamline/transforms/money"
)

func TestReadLinesAndForms(t *testing.T) {
	for name, tc := range map[string]struct {
		in    string
		lines []int64
		err   bool
	}{
		"array":       {"[\n {\"a\": 1},\n {\"a\": \"}\\\"{\"},\n\n {\"a\": [1, {\"b\": 2}]}\n]\n", []int64{2, 3, 5}, false},
		"lines":       {"{\"a\":1}\n{\"a\":2}\r\n\n{\"a\":3}", []int64{1, 2, 4}, false},
		"scalars":     {"[1, \"x\", {\"a\":1}]", []int64{1, 1, 1}, false},
		"empty":       {"  \n", nil, false},
		"empty array": {"[]", nil, false},
		"unclosed":    {"[{\"a\": 1},\n{\"a\": ", []int64{1}, true},
		"no ]":        {"[{\"a\": 1}", []int64{1}, true},
		"after ]":     {"[{\"a\": 1}] x", []int64{1}, true},
	} {
		var lines []int64
		err := Read(strings.NewReader(tc.in), func(line int64, _ []byte) error {
			lines = append(lines, line)
			return nil
		})
		if (err != nil) != tc.err || (err != nil && !errors.Is(err, ErrSyntax)) {
			t.Errorf("%s: err = %v", name, err)
		}
		if len(lines) != len(tc.lines) {
			t.Errorf("%s: lines = %v, want %v", name, lines, tc.lines)
			continue
		}
		for i := range lines {
			if lines[i] != tc.lines[i] {
				t.Errorf("%s: lines = %v, want %v", name, lines, tc.lines)
				break
			}
		}
	}
}

func TestSeedDocumentsAreValid(t *testing.T) {
	var total money.Cents
	n := 0
	for _, file := range []string{"../../data/mongo/sales.load-data.json", "../../data/mongo/sales.mongodb_reader.json"} {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		err = Read(f, func(line int64, text []byte) error {
			raw, reason := Doc(text)
			if reason != "" {
				t.Errorf("%s:%d: %s", file, line, reason)
				return nil
			}
			s, reason := ParseSale(raw)
			if reason != "" {
				t.Errorf("%s:%d: %s", file, line, reason)
			}
			total += s.TotalAmount
			n++
			return nil
		})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if n != 5 || total.String() != "4778.95" { // spec §2.3: 1599.99+379.98+699.99+299.99+1799.00
		t.Fatalf("%d seed sales totalling %s, want 5 and 4778.95", n, total)
	}
}

func TestParseSaleReasons(t *testing.T) {
	base := `{"transaction_id": "A", "product": {"id": "P", "name": "N", "category": "C"},
	  "sale_info": {"quantity": 2, "unit_price": 1.25, "total_amount": 2.5},
	  "customer": {"id": "C1", "loyalty_tier": "Gold"}, "sale_date": {"$date": "2024-08-30T00:00:00Z"},
	  "location": {"region": "Asia"}}`
	for edit, want := range map[[2]string]string{
		{"", ""}: "",
		{`"transaction_id": "A"`, `"transaction_id": ""`}:     "transaction_id: missing value",
		{`"quantity": 2`, `"quantity": "2"`}:                  `sale_info.quantity: not an integer`,
		{`"quantity": 2`, `"quantity": 0`}:                    `sale_info.quantity: must be >= 1: "0"`,
		{`"quantity": 2`, `"quantity": 2.5`}:                  `sale_info.quantity: not an integer: "2.5"`,
		{`"unit_price": 1.25`, `"unit_price": 1.255`}:         `sale_info.unit_price`,
		{`"unit_price": 1.25`, `"unit_price": -1`}:            `sale_info.unit_price: must be > 0`,
		{`"total_amount": 2.5`, `"total_amount": 2.6`}:        `sale_info.total_amount mismatch: "2.60" is not 2 x 1.25 = 2.50`,
		{`"Gold"`, `"Bronze"`}:                                `customer.loyalty_tier: not one of Platinum, Gold, Silver: "Bronze"`,
		{`{"$date": "2024-08-30T00:00:00Z"}`, `"2024-13-01"`}: `sale_date: `,
		{`{"$date": "2024-08-30T00:00:00Z"}`, `true`}:         `sale_date: not a date`,
		{`"region": "Asia"`, `"region": null`}:                `location.region: missing value`,
	} {
		doc := base
		if edit[0] != "" {
			doc = strings.Replace(base, edit[0], edit[1], 1)
		}
		raw, reason := Doc([]byte(doc))
		if reason != "" {
			t.Fatalf("%v: %s", edit, reason)
		}
		_, reason = ParseSale(raw)
		if (want == "") != (reason == "") || !strings.HasPrefix(reason, want) {
			t.Errorf("%v: reason %q, want prefix %q", edit, reason, want)
		}
	}
	if _, reason := Doc([]byte(`{"a": `)); !strings.HasPrefix(reason, "document: not valid Extended JSON") {
		t.Errorf("bad JSON: %q", reason)
	}
	if _, reason := Doc([]byte(`[1]`)); reason != "document: not a JSON object" {
		t.Errorf("array: %q", reason)
	}
}

func TestParseCustomer(t *testing.T) {
	raw, _ := Doc([]byte(`{"customer_id": "C1", "name": "Ann", "email": "a@x", "address": {"country": "France"}, "loyalty_tier": "Gold"}`))
	c, reason := ParseCustomer(raw)
	if reason != "" || c.Country != "France" || c.LoyaltyTier != "Gold" {
		t.Fatalf("%+v %q", c, reason)
	}
	raw, _ = Doc([]byte(`{"customer_id": "C1", "name": "Ann", "email": "ax"}`))
	if _, reason := ParseCustomer(raw); !strings.HasPrefix(reason, "email: not an email address") {
		t.Fatalf("reason %q", reason)
	}
}
