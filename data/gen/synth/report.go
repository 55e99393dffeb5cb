package synth

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Report is what Generate wrote; it is saved as gen_report.json (shape in
// the package doc) so that tests and runs can check exact counts.
type Report struct {
	Seed      uint64     `json:"seed"`
	Dirty     float64    `json:"dirty"`
	Customers int64      `json:"customers"`
	Products  int        `json:"products"`
	Employees FileReport `json:"employees"`
	Sales     FileReport `json:"sales"`
}

// FileReport counts one file's records by what the reader and validator
// will make of them.
type FileReport struct {
	File string `json:"file"`
	// Rows is the number of data records (blank lines excluded).
	Rows int64 `json:"rows"`
	// Clean is Rows - Bad: the records the validator accepts, duplicates
	// included.
	Clean int64 `json:"clean"`
	// Bad is the number of records the reader or validator rejects.
	Bad int64 `json:"bad"`
	// Duplicates are clean records repeating an earlier clean record's id.
	Duplicates int64 `json:"duplicates"`
	// Kinds counts bad records by Kind name; every kind of the file is
	// listed, zeros included.
	Kinds map[string]int64 `json:"kinds"`
	// Tricky counts valid records the reader must accept despite their
	// form (see the package doc).
	Tricky map[string]int64 `json:"tricky"`
	// Bytes is the file's size.
	Bytes int64 `json:"bytes"`
}

func newFileReport(file string, rows int64, kinds []Kind, st *stats, bytes int64) FileReport {
	fr := FileReport{File: file, Rows: rows, Duplicates: st.dups, Kinds: map[string]int64{}, Tricky: map[string]int64{}, Bytes: bytes}
	for _, k := range kinds {
		fr.Kinds[k.String()] = st.kinds[k]
		fr.Bad += st.kinds[k]
	}
	fr.Clean = rows - fr.Bad
	for i, name := range trickyNames {
		fr.Tricky[name] = st.tricky[i]
	}
	return fr
}

// JSON returns the report as indented JSON with a final newline.
func (r *Report) JSON() []byte {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		panic(err) // plain structs and maps of strings: cannot fail
	}
	return append(b, '\n')
}

// WriteTable writes a small table of the injected rows per kind and file.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	row := func(label, emp, sales string) { fmt.Fprintf(&b, "%-24s %16s %16s\n", label, emp, sales) }
	count := func(m map[string]int64, k string) string {
		if v, ok := m[k]; ok {
			return fmt.Sprint(v)
		}
		return "-"
	}
	num := func(v int64) string { return fmt.Sprint(v) }
	e, s := &r.Employees, &r.Sales
	fmt.Fprintf(&b, "seed %d, dirty %v, %d customers, %d products\n", r.Seed, r.Dirty, r.Customers, r.Products)
	row("", e.File, s.File)
	row("rows", num(e.Rows), num(s.Rows))
	row("clean", num(e.Clean), num(s.Clean))
	row("bad", num(e.Bad), num(s.Bad))
	for _, k := range SaleKinds() {
		row("  "+k.String(), count(e.Kinds, k.String()), count(s.Kinds, k.String()))
	}
	row("duplicates", num(e.Duplicates), num(s.Duplicates))
	row("tricky (valid)", "", "")
	for _, name := range trickyNames {
		row("  "+name, count(e.Tricky, name), count(s.Tricky, name))
	}
	row("bytes", num(e.Bytes), num(s.Bytes))
	_, err := io.WriteString(w, b.String())
	return err
}
