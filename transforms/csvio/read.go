package csvio

import (
	"context"
	"fmt"
	"io"
	"sort"
	"unsafe"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/internal/progress"
	"github.com/beamline/beamline/transforms/ordered"
	"github.com/beamline/beamline/transforms/records"
)

// DefaultBlockSize is the size of the blocks a file is planned into: large
// enough that Beam's per-element cost is negligible, small enough that the
// blocks in flight (read ahead and being folded) stay a few hundred MB.
const DefaultBlockSize = 8 << 20

func init() {
	register.DoFn3x1[context.Context, string, func(Block), error](&planFn{})
	register.Emitter1[Block]()
	register.DoFn5x1[context.Context, beam.EventTime, Block, func(beam.EventTime, records.SaleBlock), func(beam.EventTime, RejectBlock), error](&parseSalesFn{})
	register.Emitter2[beam.EventTime, records.SaleBlock]()
	register.Emitter2[beam.EventTime, RejectBlock]()
	register.DoFn5x1[context.Context, beam.EventTime, Block, func(beam.EventTime, records.EmployeeBlock), func(beam.EventTime, RejectBlock), error](&parseEmployeesFn{})
	register.Emitter2[beam.EventTime, records.EmployeeBlock]()
}

// ReadSales reads every file matching glob as sales_data.csv. It returns
// PCollection<records.SaleBlock> (the clean rows, one element per block) and
// PCollection<RejectBlock> (the rejects and counts of every block).
func ReadSales(s beam.Scope, glob string, blockSize int64) (clean, rejects beam.PCollection) {
	s = s.Scope("csvio.ReadSales")
	blocks := planBlocks(s, glob, records.SaleColumns, blockSize)
	return beam.ParDo2(s, &parseSalesFn{}, blocks)
}

// ReadEmployees reads every file matching glob as sample_data.csv. It returns
// PCollection<records.EmployeeBlock> and PCollection<RejectBlock>.
func ReadEmployees(s beam.Scope, glob string, blockSize int64) (clean, rejects beam.PCollection) {
	s = s.Scope("csvio.ReadEmployees")
	blocks := planBlocks(s, glob, records.EmployeeColumns, blockSize)
	return beam.ParDo2(s, &parseEmployeesFn{}, blocks)
}

// planBlocks expands the glob and plans each file into blocks, then
// redistributes the blocks so that a runner can parse them in parallel.
func planBlocks(s beam.Scope, glob string, columns []string, blockSize int64) beam.PCollection {
	if blockSize <= 0 {
		blockSize = DefaultBlockSize
	}
	globs := beam.Create(s, glob)
	blocks := beam.ParDo(s, &planFn{Columns: columns, BlockSize: blockSize}, globs)
	return beam.Reshuffle(s, blocks)
}

// planFn turns a glob into the blocks of every matching file.
type planFn struct {
	Columns   []string
	BlockSize int64
}

func (f *planFn) ProcessElement(ctx context.Context, glob string, emit func(Block)) error {
	files, err := Match(ctx, glob)
	if err != nil {
		return err
	}
	for i, file := range files {
		if err := f.planFile(ctx, int64(i), file, emit); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	return nil
}

func (f *planFn) planFile(ctx context.Context, index int64, file string, emit func(Block)) error {
	fs, err := filesystem.New(ctx, file)
	if err != nil {
		return err
	}
	defer fs.Close()
	h, err := readFileHeader(ctx, fs, file)
	if err != nil {
		return err
	}
	cols, err := h.Columns(f.Columns)
	if err != nil {
		return err
	}
	r, err := openAt(ctx, fs, file, h.End)
	if err != nil {
		return err
	}
	defer r.Close()
	cuts, end, err := PlanCuts(r, h.End, h.Line, f.BlockSize)
	if err != nil {
		return err
	}
	for i, c := range cuts {
		b := Block{File: file, Seq: index<<32 | int64(i), Start: c.Offset, End: end, Line: c.Line, Header: h.Names, Columns: cols, Size: end}
		if i+1 < len(cuts) {
			b.End = cuts[i+1].Offset
		}
		emit(b)
	}
	return nil
}

// Match expands glob to the sorted list of files it names; no match is an
// error.
func Match(ctx context.Context, glob string) ([]string, error) {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	files, err := fs.List(ctx, glob)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", glob, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no such file", glob)
	}
	sort.Strings(files)
	return files, nil
}

// CheckFile reads the header of file and checks that it has the required
// columns and at least one data row, so that a run can refuse a bad input
// before it starts.
func CheckFile(ctx context.Context, file string, required []string) error {
	fs, err := filesystem.New(ctx, file)
	if err != nil {
		return err
	}
	defer fs.Close()
	h, err := readFileHeader(ctx, fs, file)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if _, err := h.Columns(required); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	r, err := openAt(ctx, fs, file, h.End)
	if err != nil {
		return err
	}
	defer r.Close()
	p := newParser("", h.Line)
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		p.data, p.pos = string(buf[:n]), 0
		for p.pos < len(p.data) {
			if !p.skipBlankLine() {
				return nil
			}
		}
		if err == io.EOF {
			return fmt.Errorf("%s: no data rows after the header", file)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
}

func readFileHeader(ctx context.Context, fs filesystem.Interface, file string) (Header, error) {
	r, err := fs.OpenRead(ctx, file)
	if err != nil {
		return Header{}, err
	}
	defer r.Close()
	return ReadHeader(r)
}

// openAt opens file positioned at offset, seeking when the filesystem allows.
func openAt(ctx context.Context, fs filesystem.Interface, file string, offset int64) (io.ReadCloser, error) {
	r, err := fs.OpenRead(ctx, file)
	if err != nil {
		return nil, err
	}
	if sk, ok := r.(io.Seeker); ok {
		if _, err := sk.Seek(offset, io.SeekStart); err != nil {
			r.Close()
			return nil, fmt.Errorf("%s: seek to %d: %w", file, offset, err)
		}
		return r, nil
	}
	if _, err := io.CopyN(io.Discard, r, offset); err != nil {
		r.Close()
		return nil, fmt.Errorf("%s: skip to %d: %w", file, offset, err)
	}
	return r, nil
}

// readBlock reads the text of block b, without copying it into a string.
func readBlock(ctx context.Context, b *Block) ([]byte, string, error) {
	fs, err := filesystem.New(ctx, b.File)
	if err != nil {
		return nil, "", err
	}
	defer fs.Close()
	r, err := openAt(ctx, fs, b.File, b.Start)
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	n := int(b.End - b.Start)
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, "", fmt.Errorf("%s: read bytes %d-%d: %w", b.File, b.Start, b.End, err)
	}
	if n == 0 {
		return buf, "", nil
	}
	// The buffer is never written again: the string may share it.
	return buf, unsafe.String(&buf[0], n), nil
}

// checkSize fails when b's file no longer has the size it was planned
// with: its blocks would not read back as they were.
func checkSize(ctx context.Context, b *Block) error {
	fs, err := filesystem.New(ctx, b.File)
	if err != nil {
		return err
	}
	defer fs.Close()
	size, err := fs.Size(ctx, b.File)
	if err != nil {
		return err
	}
	if size != b.Size {
		return fmt.Errorf("%s changed during the run (%d bytes, was %d)", b.File, size, b.Size)
	}
	return nil
}

// parseSalesFn parses and validates blocks of sales, on one worker per
// core, emitting them in input order.
type parseSalesFn struct {
	pool *ordered.Pool[Block, parsedSales]
}

type parsedSales struct {
	clean   records.SaleBlock
	rejects RejectBlock
}

func (f *parseSalesFn) StartBundle(ctx context.Context, _ func(beam.EventTime, records.SaleBlock), _ func(beam.EventTime, RejectBlock)) {
	f.pool = ordered.NewPool(func(b Block) (parsedSales, error) {
		_, text, err := readBlock(ctx, &b)
		if err != nil {
			return parsedSales{}, err
		}
		rows, rb := ParseBlock(&b, text, records.ParseSaleInto)
		progress.Read.Add(rb.Read) // here, not in ParseBlock: blocks re-read by reference are not new rows
		return parsedSales{records.SaleBlock{File: b.File, Seq: b.Seq, Rows: rows, Wire: sealRef(&b)}, rb}, nil
	})
}

func (f *parseSalesFn) ProcessElement(ctx context.Context, ts beam.EventTime, b Block, clean func(beam.EventTime, records.SaleBlock), rejects func(beam.EventTime, RejectBlock)) error {
	return f.pool.Put(ts, b, func(ts beam.EventTime, p parsedSales) {
		clean(ts, p.clean)
		rejects(ts, p.rejects)
	})
}

func (f *parseSalesFn) FinishBundle(ctx context.Context, clean func(beam.EventTime, records.SaleBlock), rejects func(beam.EventTime, RejectBlock)) error {
	return f.pool.Finish(func(ts beam.EventTime, p parsedSales) {
		clean(ts, p.clean)
		rejects(ts, p.rejects)
	})
}

// parseEmployeesFn parses and validates blocks of employees, like
// parseSalesFn.
type parseEmployeesFn struct {
	pool *ordered.Pool[Block, parsedEmployees]
}

type parsedEmployees struct {
	clean   records.EmployeeBlock
	rejects RejectBlock
}

func (f *parseEmployeesFn) StartBundle(ctx context.Context, _ func(beam.EventTime, records.EmployeeBlock), _ func(beam.EventTime, RejectBlock)) {
	f.pool = ordered.NewPool(func(b Block) (parsedEmployees, error) {
		_, text, err := readBlock(ctx, &b)
		if err != nil {
			return parsedEmployees{}, err
		}
		rows, rb := ParseBlock(&b, text, records.ParseEmployeeInto)
		progress.Read.Add(rb.Read) // here, not in ParseBlock: blocks re-read by reference are not new rows
		return parsedEmployees{records.EmployeeBlock{File: b.File, Seq: b.Seq, Rows: rows, Wire: sealRef(&b)}, rb}, nil
	})
}

func (f *parseEmployeesFn) ProcessElement(ctx context.Context, ts beam.EventTime, b Block, clean func(beam.EventTime, records.EmployeeBlock), rejects func(beam.EventTime, RejectBlock)) error {
	return f.pool.Put(ts, b, func(ts beam.EventTime, p parsedEmployees) {
		clean(ts, p.clean)
		rejects(ts, p.rejects)
	})
}

func (f *parseEmployeesFn) FinishBundle(ctx context.Context, clean func(beam.EventTime, records.EmployeeBlock), rejects func(beam.EventTime, RejectBlock)) error {
	return f.pool.Finish(func(ts beam.EventTime, p parsedEmployees) {
		clean(ts, p.clean)
		rejects(ts, p.rejects)
	})
}
