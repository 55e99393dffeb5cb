package fold

import (
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	_ "github.com/beamline/beamline/runners"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// sum is an accumulator of blocks of numbers with a configuration (Scale).
type sum struct {
	Scale int64
	N     int64
	Total int64
}

func (s *sum) Add(block []int64) {
	for _, v := range block {
		s.N++
		s.Total += v * s.Scale
	}
}

func (s *sum) Merge(o sum) {
	s.Scale = max(s.Scale, o.Scale)
	s.N += o.N
	s.Total += o.Total
}

func init() { Register[sum, []int64]() }

func TestOverFoldsEveryElementOnce(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	blocks := beam.Reshuffle(s, beam.Create(s, []int64{1, 2}, []int64{3}, []int64{4, 5, 6}))
	passert.Equals(s, Over[sum, []int64](s, sum{Scale: 10}, blocks), sum{Scale: 10, N: 6, Total: 210})
	ptest.RunAndValidate(t, p)
}
