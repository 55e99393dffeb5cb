package server

import (
	"bufio"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/publish"
	"github.com/beamline/beamline/transforms/table"
)

// maxXLSXRows is how many data rows an XLSX sheet holds (Excel's limit of
// 1,048,576 rows, less the header).
const maxXLSXRows = 1<<20 - 1

// streamed tells the routes whose responses stream for as long as the
// dataset takes: they are not bound by the request timeout.
func streamed(route string) bool { return strings.HasPrefix(route, "/api/export/") }

// exportWriter sends the response headers on the first write (so that an
// error before any byte is still a JSON error) and pushes the connection's
// write deadline back as the export goes on.
type exportWriter struct {
	c           echo.Context
	rc          *http.ResponseController
	contentType string
	filename    string
	timeout     time.Duration
	started     bool
	extended    time.Time
}

func (s *Server) newExportWriter(c echo.Context, contentType, filename string) *exportWriter {
	return &exportWriter{c: c, rc: http.NewResponseController(c.Response()), contentType: contentType,
		filename: filename, timeout: s.cfg.WriteTimeout}
}

func (w *exportWriter) start() {
	if w.started {
		return
	}
	w.started = true
	h := w.c.Response().Header()
	h.Set(echo.HeaderContentType, w.contentType)
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+w.filename+`"`)
	h.Set("Cache-Control", "no-store")
	w.c.Response().WriteHeader(http.StatusOK)
}

// extend gives the response another WriteTimeout, at most once a second.
func (w *exportWriter) extend() {
	if now := time.Now(); now.Sub(w.extended) > time.Second {
		w.extended = now
		_ = w.rc.SetWriteDeadline(now.Add(w.timeout)) // unsupported outside an http.Server (tests)
	}
}

func (w *exportWriter) Write(p []byte) (int, error) {
	w.start()
	w.extend()
	return w.c.Response().Write(p)
}

// exportResult is GET /api/export/:family/:name?format=csv|json|xlsx: the
// whole dataset as a download.
func (s *Server) exportResult(c echo.Context) error {
	path, err := resultPath(c.Param("family"), c.Param("name"))
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "json" && format != "xlsx" {
		return badParam("format", "want csv, json or xlsx, got %q", format)
	}
	ctx, cancel := s.mongoCtx(c)
	d, err := s.lookup(ctx, path)
	cancel()
	if err != nil {
		return err
	}
	if format == "xlsx" && d.Rows > maxXLSXRows {
		return badParam("format", "%s has %d rows and an XLSX sheet holds at most %d: use format=csv", d.Path, d.Rows, maxXLSXRows)
	}
	st, err := s.store()
	if err != nil {
		return err
	}
	name := d.Path[len(d.Family)+1:]
	switch format {
	case "json":
		return s.exportJSON(c, st, d, name+".json")
	case "xlsx":
		return s.exportXLSX(c, st, d, name+".xlsx")
	}
	header := make([]string, len(d.Columns))
	for i, col := range d.Columns {
		header[i] = col.Name
	}
	return s.exportCSV(c, st, d, name+".csv", header, func(row bson.A, rec []string) {
		for i, col := range d.Columns {
			rec[i] = text(col.Kind, row[i])
		}
	})
}

// exportCSV streams a dataset as CSV: header, then each row as fill makes
// it.
func (s *Server) exportCSV(c echo.Context, st *mongostore.Store, d publish.Dataset, filename string, header []string, fill func(bson.A, []string)) error {
	w := s.newExportWriter(c, "text/csv; charset=utf-8", filename)
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	err := publish.Each(c.Request().Context(), st, d, func(row bson.A) error {
		if len(row) < len(d.Columns) {
			row = append(row, make(bson.A, len(d.Columns)-len(row))...)
		}
		fill(row, rec)
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return finish(w, bw)
}

// exportJSON streams a dataset as a JSON array of row objects.
func (s *Server) exportJSON(c echo.Context, st *mongostore.Store, d publish.Dataset, filename string) error {
	w := s.newExportWriter(c, echo.MIMEApplicationJSON, filename)
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("[")
	var buf []byte
	first := true
	err := publish.Each(c.Request().Context(), st, d, func(row bson.A) error {
		buf = buf[:0]
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, '\n')
		buf = appendRow(buf, d.Columns, row)
		_, err := bw.Write(buf)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]\n")
	return finish(w, bw)
}

// exportXLSX writes a dataset as one sheet with typed cells: numbers as
// numbers (money formatted #,##0.00), dates as dates, a bold frozen
// header. excelize's stream writer spills the rows to a temporary file, so
// memory stays small; the file is sent once complete.
func (s *Server) exportXLSX(c echo.Context, st *mongostore.Store, d publish.Dataset, filename string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := d.Path[len(d.Family)+1:]
	if len(sheet) > 31 {
		sheet = sheet[:31]
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	moneyStyle, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(d.Columns))
	for i, col := range d.Columns {
		cells[i] = excelize.Cell{StyleID: bold, Value: col.Name}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	w := s.newExportWriter(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename)
	line := 1
	err = publish.Each(c.Request().Context(), st, d, func(row bson.A) error {
		line++
		for i, col := range d.Columns {
			var v any
			if i < len(row) {
				v = row[i]
			}
			cell := excelize.Cell{Value: v}
			switch col.Kind {
			case table.Money:
				if x, ok := v.(float64); ok {
					cell = excelize.Cell{StyleID: moneyStyle, Value: cents(x).Float()}
				}
			case table.Date:
				if x, ok := v.(string); ok {
					if t, err := time.Parse(time.DateOnly, x); err == nil {
						cell = excelize.Cell{StyleID: dateStyle, Value: t}
					}
				}
			}
			cells[i] = cell
		}
		cell, err := excelize.CoordinatesToCellName(1, line)
		if err != nil {
			return err
		}
		w.extend()
		return sw.SetRow(cell, cells) // written at once: cells can be reused
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := f.Write(bw); err != nil {
		return err
	}
	return finish(w, bw)
}

// finish flushes an export and sends its headers if nothing was written.
func finish(w *exportWriter, bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return err
	}
	w.start()
	return nil
}

// originalExports are the original's /api/export/csv/<data_type>
// downloads, now from published datasets: its column titles, each taken
// from a column of the dataset ("" when the dataset lacks it).
var originalExports = map[string]struct {
	path    string
	headers []string
	columns []string
}{
	// Every sale of both sources (the CSV and MongoDB's), where the
	// original exported only MongoDB's.
	"sales": {"spark/mongo_unified_sales",
		[]string{"Transaction ID", "Product", "Category", "Amount", "Region", "Date", "Source"},
		[]string{"transaction_id", "product_name", "category", "total_amount", "region", "sale_date", "source"}},
	"departments": {"pig/department_statistics",
		[]string{"Department", "Employees", "Avg Salary", "Total Salary"},
		[]string{"department", "employee_count", "avg_salary", "total_salary"}},
}

// exportOriginal is GET /api/export/csv/:data_type.
func (s *Server) exportOriginal(c echo.Context) error {
	kind := c.Param("data_type")
	spec, ok := originalExports[kind]
	if !ok {
		return notFound("no export %q: want sales or departments", kind)
	}
	ctx, cancel := s.mongoCtx(c)
	d, err := s.lookup(ctx, spec.path)
	cancel()
	if err != nil {
		return err
	}
	st, err := s.store()
	if err != nil {
		return err
	}
	idx := make([]int, len(spec.columns))
	for i, name := range spec.columns {
		idx[i] = slices.IndexFunc(d.Columns, func(c table.Column) bool { return c.Name == name })
	}
	return s.exportCSV(c, st, d, kind+"_export.csv", spec.headers, func(row bson.A, rec []string) {
		for i, j := range idx {
			rec[i] = ""
			if j >= 0 {
				rec[i] = text(d.Columns[j].Kind, row[j])
			}
		}
	})
}
