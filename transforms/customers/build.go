package customers

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/records"
)

func init() {
	register.Combiner3[Table, records.SaleBlock, Table](&tableFn{})
	register.Function1x1(distinct)
}

// Build builds the customer table of the sales. It takes
// PCollection<records.SaleBlock> and returns PCollection<Table> holding one
// element.
func Build(s beam.Scope, sales beam.PCollection, track Track) beam.PCollection {
	s = s.Scope("customers.Build")
	return beam.Combine(s, &tableFn{Track: track}, sales)
}

type tableFn struct{ Track Track }

func (f *tableFn) CreateAccumulator() Table { return NewTable(f.Track) }

func (f *tableFn) AddInput(t Table, b records.SaleBlock) Table {
	t.ensure(f.Track)
	t.AddBlock(b.Rows)
	return t
}

func (f *tableFn) MergeAccumulators(a, b Table) Table {
	a.ensure(f.Track)
	a.Merge(b)
	return a
}

func (f *tableFn) ExtractOutput(t Table) Table {
	t.ensure(f.Track)
	return t
}

func (t *Table) ensure(track Track) {
	t.Track = track
	if t.Customers == nil {
		t.Customers = map[string]Customer{}
	}
}

// Counts are distinct-customer counts, overall and per group.
type Counts struct {
	Customers        int64
	ByRegion         map[string]int64
	BySalesperson    map[string]int64
	ByRegionCategory map[string]int64 // keyed region + "\x00" + category
}

// Count counts the distinct customers of the table, overall and per tracked
// group.
func (t *Table) Count() Counts {
	c := Counts{
		Customers:        int64(len(t.Customers)),
		ByRegion:         map[string]int64{},
		BySalesperson:    map[string]int64{},
		ByRegionCategory: map[string]int64{},
	}
	for _, cu := range t.Customers {
		for _, r := range cu.Regions {
			c.ByRegion[r]++
		}
		for _, sp := range cu.Salespeople {
			c.BySalesperson[sp]++
		}
		for _, rc := range cu.RegionCategory {
			c.ByRegionCategory[rc]++
		}
	}
	return c
}

// Distinct counts distinct customers from the table. It takes
// PCollection<Table> and returns PCollection<Counts>, small enough to be a
// side input.
func Distinct(s beam.Scope, table beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("customers.Distinct"), distinct, table)
}

func distinct(t Table) Counts { return t.Count() }
