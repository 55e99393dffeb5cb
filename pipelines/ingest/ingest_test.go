package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beamline/beamline/internal/mongotest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/transforms/records"
)

func TestMain(m *testing.M) {
	code := mongotest.Main(m)
	pipelinetest.Cleanup()
	os.Exit(code)
}

// TestIngestStandardisesAndDeduplicates: the first valid occurrence of a
// transaction_id is kept; a later valid copy is rejected as a duplicate; an
// invalid row never counts as an occurrence; kept rows are written in the
// standard form, in input order.
func TestIngestStandardisesAndDeduplicates(t *testing.T) {
	from, input, out := t.TempDir(), t.TempDir(), t.TempDir()
	// Columns in another order, with an extra one, CRLF and padding.
	raw := "region,transaction_id,extra,product_id,product_name,category,quantity,unit_price,total_amount,customer_id,customer_name,sale_date,salesperson\r\n" +
		"Asia,T2,x,P1,\"Desk, oak\",Furniture,1,10.5,10.50,C1,Ann,2024/08/05,Jo\r\n" + // line 2: kept, standardised
		"Asia,T1,x,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2024-08-31,Jo\r\n" + // line 3: kept
		"Asia,T3,x,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2024-08-32,Jo\r\n" + // line 4: bad date
		"Asia,T1,x,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2024-08-31,Jo\r\n" + // line 5: duplicate of line 3
		"Asia,T4,x,P1,Desk,Furniture,0,10.00,0.00,C1,Ann,2024-08-31,Jo\r\n" + // line 6: quantity 0
		"Asia,T4,x,P1,Desk,Furniture, 1 ,10.00,10.00,C2,Bo, 2024-09-01T10:00:00+02:00 ,Li\r\n" // line 7: first valid T4
	if err := os.WriteFile(filepath.Join(from, "sales_data.csv"), []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := pipelinetest.Build(t, "./pipelines/ingest")
	r := pipelinetest.MustRun(t, bin, "--from", from, "--input", input, "--output", out)
	if !strings.Contains(r.Stdout, "sales: read 6, clean 3, rejected 3") || strings.Contains(r.Stdout, "employees:") {
		t.Errorf("summary:\n%s", r.Stdout)
	}
	got, err := os.ReadFile(filepath.Join(input, "sales_data.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(records.SaleColumns, ",") + "\n" +
		"T2,P1,\"Desk, oak\",Furniture,1,10.50,10.50,C1,Ann,2024-08-05,Asia,Jo\n" +
		"T1,P1,Desk,Furniture,2,10.00,20.00,C1,Ann,2024-08-31,Asia,Jo\n" +
		"T4,P1,Desk,Furniture,1,10.00,10.00,C2,Bo,2024-09-01,Asia,Li\n"
	if string(got) != want {
		t.Errorf("clean file:\n%s\nwant\n%s", got, want)
	}
	_, rejects := pipelinetest.Dataset(t, out, "rejects/ingest/sales")
	var reasons []string
	for _, rj := range rejects {
		reasons = append(reasons, rj[0]+": "+rj[1])
	}
	wantReasons := []string{`4: sale_date: not a date: "2024-08-32"`, `5: duplicate transaction_id: "T1"`, `6: quantity: must be >= 1: "0"`}
	if strings.Join(reasons, "\n") != strings.Join(wantReasons, "\n") {
		t.Errorf("rejects:\n%s", strings.Join(reasons, "\n"))
	}

	// Loading the same files again gives the same clean file.
	pipelinetest.MustRun(t, bin, "--from", from, "--input", input, "--output", out)
	if again, _ := os.ReadFile(filepath.Join(input, "sales_data.csv")); string(again) != want {
		t.Errorf("second load differs:\n%s", again)
	}
	// The analyses read what ingest wrote.
	sales := pipelinetest.Build(t, "./pipelines/sales")
	r = pipelinetest.MustRun(t, sales, "--input", input, "--output", out)
	if !strings.Contains(r.Stdout, "sales: read 3, clean 3, rejected 0") {
		t.Errorf("sales on the ingested file:\n%s", r.Stdout)
	}
}

func TestIngestRefusals(t *testing.T) {
	bin := pipelinetest.Build(t, "./pipelines/ingest")
	empty := t.TempDir()
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"--input", t.TempDir()}, "--from is required"},
		{[]string{"--from", "data/input"}, "--input is required"},
		{[]string{"--from", "data/input", "--input", "./data/input/"}, "is the --from directory"},
		{[]string{"--from", empty, "--input", t.TempDir()}, "holds neither sample_data.csv nor sales_data.csv"},
	}
	for _, tt := range tests {
		r := pipelinetest.Run(t, bin, append(tt.args, "--output", t.TempDir())...)
		if r.Code != 2 || !strings.Contains(r.Stderr, tt.msg) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tt.args, r.Code, r.Stderr, tt.msg)
		}
	}
}
