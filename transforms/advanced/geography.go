package advanced

import (
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/customers"
	"github.com/beamline/beamline/transforms/decimal"
	"github.com/beamline/beamline/transforms/money"
	"github.com/beamline/beamline/transforms/sales"
	"github.com/beamline/beamline/transforms/table"
)

// GeographyTable is the original's geographic_analysis: revenue per
// (region, category), its share of the region, and its rank in the category.
var GeographyTable = table.New(table.Spark, "geographic_analysis", "region, category",
	table.S("region"), table.S("category"), table.M("revenue"), table.I("transactions"), table.I("unique_customers"),
	table.M("avg_transaction"), table.D("market_share"), table.I("region_rank"))

func init() {
	register.Function2x1(geography)
}

// GeographicAnalysis reports sales per (region, category) with the share of
// the region's revenue (market_share) and the region's rank within the
// category by revenue (ties share a rank). It takes
// PCollection<records.SaleBlock> and the customers.Counts side input.
func GeographicAnalysis(s beam.Scope, rows, counts beam.PCollection) beam.PCollection {
	s = s.Scope("advanced.GeographicAnalysis")
	return beam.ParDo(s, geography, sales.Group(s, rows, sales.ByRegionCategory), beam.SideInput{Input: counts})
}

type cell struct {
	region, category string
	t                sales.Totals
	rank             int64
}

func geography(g sales.Groups, counts customers.Counts) table.Chunk {
	var cells []cell
	regionRevenue := map[string]money.Cents{}
	for k, t := range g.Totals {
		region, category, _ := strings.Cut(k, "\x00")
		cells = append(cells, cell{region: region, category: category, t: t})
		regionRevenue[region] += t.Revenue
	}
	// rank() within each category by revenue, descending.
	byCategory := map[string][]*cell{}
	for i := range cells {
		byCategory[cells[i].category] = append(byCategory[cells[i].category], &cells[i])
	}
	for _, cs := range byCategory {
		for _, a := range cs {
			a.rank = 1
			for _, b := range cs {
				if b.t.Revenue > a.t.Revenue {
					a.rank++
				}
			}
		}
	}
	sort.Slice(cells, func(i, j int) bool {
		if cells[i].region != cells[j].region {
			return cells[i].region < cells[j].region
		}
		return cells[i].category < cells[j].category
	})
	b := table.NewBuilder(GeographyTable)
	for _, x := range cells {
		b.Text(x.region).Text(x.category).Money(x.t.Revenue).Int(x.t.Transactions).
			Int(counts.ByRegionCategory[x.region+"\x00"+x.category]).Money(x.t.AvgTransaction()).
			Fixed(decimal.Ratio(int64(x.t.Revenue), int64(regionRevenue[x.region]))).Int(x.rank).End()
	}
	return b.Chunk(0)
}
