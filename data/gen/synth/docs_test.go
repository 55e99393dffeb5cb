package synth

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/beamline/beamline/transforms/docs"
)

// TestDocsAgreeWithValidator: every generated document the report calls
// good passes the loader's validator, and every bad one is rejected.
func TestDocsAgreeWithValidator(t *testing.T) {
	dir := t.TempDir()
	rep, err := WriteDocs(dir, 2000, 3, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if rep.BadSales == 0 || rep.BadCustomers == 0 {
		t.Fatalf("no bad documents at 5%%: %+v", rep)
	}
	for file, want := range map[string][2]int64{
		SalesDocsFile:     {rep.Sales, rep.BadSales},
		CustomersDocsFile: {rep.Customers, rep.BadCustomers},
	} {
		f, err := os.Open(filepath.Join(dir, DocsDir, file))
		if err != nil {
			t.Fatal(err)
		}
		var n, bad int64
		err = docs.Read(f, func(_ int64, text []byte) error {
			n++
			raw, reason := docs.Doc(text)
			if reason == "" {
				if file == SalesDocsFile {
					_, reason = docs.ParseSale(raw)
				} else {
					_, reason = docs.ParseCustomer(raw)
				}
			}
			if reason != "" {
				bad++
			}
			return nil
		})
		f.Close()
		if err != nil || n != want[0] || bad != want[1] {
			t.Errorf("%s: read %d (want %d), rejected %d (want %d), %v", file, n, want[0], bad, want[1], err)
		}
	}
}
