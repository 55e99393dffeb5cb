package csvio

import (
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/table"
)

// Counts is how many records a dataset's input held, and what became of them.
// Read = Clean + Rejected, always.
type Counts struct {
	Input    string
	Read     int64
	Clean    int64
	Rejected int64
}

func init() {
	register.Combiner3[rejectsAcc, RejectBlock, rejectsAcc](&gatherRejectsFn{})
	register.DoFn3x0[rejectsAcc, func(table.Chunk), func(Counts)](&splitRejectsFn{})
	register.Emitter1[table.Chunk]()
	register.Emitter1[Counts]()
}

// Rejects gathers the RejectBlocks of one input into the rows of its rejects
// dataset — one chunk per input file, ordered by line — and its Counts. It
// takes PCollection<RejectBlock> and returns PCollection<table.Chunk> and a
// PCollection<Counts> holding one element.
func Rejects(s beam.Scope, input string, blocks beam.PCollection) (chunks, counts beam.PCollection) {
	s = s.Scope("csvio.Rejects")
	all := beam.Combine(s, &gatherRejectsFn{}, blocks)
	return beam.ParDo2(s, &splitRejectsFn{Input: input}, all)
}

type rejectsAcc struct {
	Blocks []RejectBlock
}

// gatherRejectsFn collects every block's rejects and counts.
type gatherRejectsFn struct{}

func (gatherRejectsFn) CreateAccumulator() rejectsAcc { return rejectsAcc{} }

func (gatherRejectsFn) AddInput(a rejectsAcc, b RejectBlock) rejectsAcc {
	a.Blocks = append(a.Blocks, b)
	return a
}

func (gatherRejectsFn) MergeAccumulators(a, b rejectsAcc) rejectsAcc {
	a.Blocks = append(a.Blocks, b.Blocks...)
	return a
}

func (gatherRejectsFn) ExtractOutput(a rejectsAcc) rejectsAcc { return a }

// splitRejectsFn orders the rejects by file and line, one chunk per file.
type splitRejectsFn struct{ Input string }

func (f *splitRejectsFn) ProcessElement(a rejectsAcc, emit func(table.Chunk), counts func(Counts)) {
	c := Counts{Input: f.Input}
	byFile := map[int64][]RejectBlock{}
	for _, b := range a.Blocks {
		c.Read += b.Read
		c.Rejected += int64(len(b.Rows))
		if len(b.Rows) > 0 {
			byFile[b.Seq>>32] = append(byFile[b.Seq>>32], b)
		}
	}
	c.Clean = c.Read - c.Rejected
	files := make([]int64, 0, len(byFile))
	for k := range byFile {
		files = append(files, k)
	}
	sort.Slice(files, func(i, j int) bool { return files[i] < files[j] })
	for _, fi := range files {
		var rows []Reject
		for _, b := range byFile[fi] {
			rows = append(rows, b.Rows...)
		}
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Line < rows[j].Line })
		tb := table.NewBuilder(table.RejectsDataset("", ""))
		for _, r := range rows {
			tb.Int(r.Line).Text(r.Reason).Text(r.Raw).End()
		}
		emit(tb.ChunkFor(fi<<32, byFile[fi][0].File))
	}
	counts(c)
}
