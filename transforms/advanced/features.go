package advanced

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/customers"
	"github.com/beamline/beamline/transforms/decimal"
	"github.com/beamline/beamline/transforms/table"
)

// FeaturesTable holds one row per customer of model-ready features, each
// standardised to mean 0 and population standard deviation 1 over all
// customers: recency (days since the last purchase at the as-of date),
// frequency (purchases), monetary (total spent), avg_basket (mean order
// value), then share_<category> (the share of the customer's spending in
// each category), one column per category seen.
var FeaturesTable = func() table.Dataset {
	d := table.New(table.Spark, "ml_features", "customer_id",
		table.S("customer_id"), table.D("recency"), table.D("frequency"), table.D("monetary"), table.D("avg_basket"))
	d.Dynamic = true
	return d
}()

func init() {
	register.DoFn1x1[customers.Table, table.Chunk](&featuresFn{})
}

// MLFeatures computes the standardised features of every customer at the
// as-of date (given, or the day after the latest purchase). It takes
// PCollection<customers.Table> tracking Categories.
func MLFeatures(s beam.Scope, buyers beam.PCollection, asOf Given) beam.PCollection {
	return beam.ParDo(s.Scope("advanced.MLFeatures"), &featuresFn{AsOf: asOf}, buyers)
}

type featuresFn struct{ AsOf Given }

// Features returns the raw feature matrix: one row per customer id (sorted),
// and the category of each share column.
func Features(t *customers.Table, asOf calendar.Date) (ids []string, categories []string, x [][]float64) {
	// Share columns in category name order; column[id] is a category's.
	dict := t.Categories()
	categories = append(categories, dict...)
	sort.Strings(categories)
	column := make([]int, len(dict))
	for id, name := range dict {
		column[id] = indexOf(categories, name)
	}
	ids = t.IDs()
	x = make([][]float64, len(ids))
	for i, id := range ids {
		c := t.Customers[id]
		row := make([]float64, 4+len(categories))
		row[0] = float64(asOf - c.Last)
		row[1] = float64(c.Orders)
		row[2] = c.Spent.Float()
		row[3] = c.Spent.Float() / float64(c.Orders)
		if c.Spent > 0 {
			for id, v := range c.CategorySpend {
				row[4+column[id]] = float64(v) / float64(c.Spent)
			}
		}
		x[i] = row
	}
	return ids, categories, x
}

// Standardise rescales each column of x to mean 0 and population standard
// deviation 1; a constant column becomes 0.
func Standardise(x [][]float64) {
	if len(x) == 0 {
		return
	}
	n := float64(len(x))
	for j := range x[0] {
		var sum float64
		for _, row := range x {
			sum += row[j]
		}
		mean := sum / n
		var ss float64
		for _, row := range x {
			d := row[j] - mean
			ss += d * d
		}
		sd := math.Sqrt(ss / n)
		for _, row := range x {
			if sd == 0 {
				row[j] = 0
			} else {
				row[j] = (row[j] - mean) / sd
			}
		}
	}
}

func (f *featuresFn) ProcessElement(t customers.Table) table.Chunk {
	ids, categories, x := Features(&t, f.AsOf.Resolve(latestPurchase(&t)))
	Standardise(x)
	cols := append([]table.Column(nil), FeaturesTable.Columns...)
	used := map[string]bool{}
	for _, col := range cols {
		used[col.Name] = true
	}
	for _, cat := range categories {
		name := "share_" + slug(cat)
		for base, i := name, 2; used[name]; i++ {
			name = base + "_" + itoa(int64(i))
		}
		used[name] = true
		cols = append(cols, table.D(name))
	}
	b := table.NewBuilder(FeaturesTable).WithColumns(cols)
	for i, id := range ids {
		b.Text(id)
		for _, v := range x[i] {
			b.Fixed(decimal.Float(v))
		}
		b.End()
	}
	return b.Chunk(0)
}

// slug turns a category into a column-name part: lower case, with every run
// of other characters than letters and digits as one '_'.
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
