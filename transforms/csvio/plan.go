package csvio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Block is a byte range of one input file that starts and ends on record
// boundaries; it is the unit a pipeline parses and aggregates.
type Block struct {
	File string
	// Seq orders blocks in input order: the file's index in the sorted glob
	// in the high 32 bits, the block's index in the file below.
	Seq        int64
	Start, End int64
	// Line is the physical line (1-based) at Start.
	Line int64
	// Size is the file's size when it was planned: a block is re-read from
	// its source only if the file has not changed.
	Size int64
	// Header is the file's header; Columns[i] is the index in a record of
	// the schema's i-th column.
	Header  []string
	Columns []int
}

// Header is the first record of a file.
type Header struct {
	Names []string
	// End is the offset just after the header record, Line the physical line
	// number there.
	End  int64
	Line int64
}

const maxHeaderBytes = 1 << 20

var bom = []byte("\xEF\xBB\xBF")

// ReadHeader reads the header record from the start of a file: a UTF-8 BOM
// and blank lines before it are skipped; names are trimmed.
func ReadHeader(r io.Reader) (Header, error) {
	buf := make([]byte, maxHeaderBytes)
	n, err := io.ReadFull(r, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return Header{}, err
	}
	data := buf[:n]
	skip := 0
	if bytes.HasPrefix(data, bom) {
		skip = len(bom)
	}
	p := newParser(string(data[skip:]), 1)
	var rec Record
	if !p.next(&rec) {
		return Header{}, errors.New("empty file: no header")
	}
	if p.pos == len(p.data) && n == maxHeaderBytes {
		return Header{}, fmt.Errorf("header longer than %d bytes", maxHeaderBytes)
	}
	if rec.Problem != "" {
		return Header{}, fmt.Errorf("header line %d: %s", rec.Line, rec.Problem)
	}
	h := Header{Names: append([]string(nil), rec.Fields...), End: int64(skip + p.pos), Line: p.line}
	for i := range h.Names {
		h.Names[i] = strings.Clone(h.Names[i])
	}
	return h, nil
}

// Columns maps each required column to its index in the header. Columns may
// come in any order and extra columns are ignored; a missing or repeated
// required column is an error naming it.
func (h Header) Columns(required []string) ([]int, error) {
	idx := make([]int, len(required))
	var missing []string
	for i, name := range required {
		idx[i] = -1
		for j, have := range h.Names {
			if have != name {
				continue
			}
			if idx[i] >= 0 {
				return nil, fmt.Errorf("column %q appears twice in the header", name)
			}
			idx[i] = j
		}
		if idx[i] < 0 {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing required column(s) %s (header has: %s; expected: %s)",
			strings.Join(missing, ", "), strings.Join(h.Names, ","), strings.Join(required, ","))
	}
	return idx, nil
}

// Cut is a block boundary: a record starts at Offset, on physical line Line.
type Cut struct {
	Offset int64
	Line   int64
}

const planChunk = 4 << 20

// PlanCuts reads r, positioned at offset start on physical line line (a
// record boundary, normally Header.End), and returns the boundaries of blocks
// of about blockSize bytes, the first being start itself, together with the
// offset of the end of the data. Boundaries fall only between records: lines
// without a quote are skipped with fast searches, lines with one are walked
// through the record grammar, so quoted newlines never split a record. A
// quoted field left open makes the rest of the file one block.
func PlanCuts(r io.Reader, start, line, blockSize int64) ([]Cut, int64, error) {
	return planCuts(r, start, line, blockSize, planChunk)
}

// planCuts is PlanCuts reading r chunkSize bytes at a time; the fuzz test makes
// chunks tiny so that records, quotes and CRLFs straddle them.
func planCuts(r io.Reader, start, line, blockSize int64, chunkSize int) ([]Cut, int64, error) {
	if blockSize < 1 {
		blockSize = 1
	}
	cuts := []Cut{{start, line}}
	target := start + blockSize
	st := stRecordStart
	buf := make([]byte, max(chunkSize, 1))
	off := start // offset of buf[0]
	for {
		n, err := io.ReadFull(r, buf)
		chunk := buf[:n]
		for i := 0; i < len(chunk); {
			if st == stRecordStart {
				rest := chunk[i:]
				lim := bytes.IndexByte(rest, '"')
				if lim < 0 {
					lim = len(rest)
				}
				if k := bytes.LastIndexByte(rest[:lim], '\n'); k >= 0 {
					// Every newline up to k ends a quote-free record.
					seg := rest[:k+1]
					base := off + int64(i)
					segLine := line
					for pos := int64(0); target <= base+int64(k)+1; {
						from := max(target-1-base, pos)
						nl := from + int64(bytes.IndexByte(seg[from:], '\n'))
						segLine += int64(bytes.Count(seg[pos:nl+1], nlByte))
						pos = nl + 1
						cuts = append(cuts, Cut{base + pos, segLine})
						target = base + pos + blockSize
					}
					line += int64(bytes.Count(seg, nlByte))
					i += k + 1
					continue
				}
			}
			if st == stQuoted {
				// Jump to the next quote, counting the newlines inside.
				q := bytes.IndexByte(chunk[i:], '"')
				if q < 0 {
					line += int64(bytes.Count(chunk[i:], nlByte))
					i = len(chunk)
					continue
				}
				line += int64(bytes.Count(chunk[i:i+q], nlByte))
				i += q
			}
			c := chunk[i]
			var ended bool
			st, ended = st.step(c)
			i++
			if c == '\n' {
				line++
			}
			if ended && off+int64(i) >= target {
				cuts = append(cuts, Cut{off + int64(i), line})
				target = off + int64(i) + blockSize
			}
		}
		off += int64(n)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
	}
	// A boundary at the very end starts no block.
	if len(cuts) > 1 && cuts[len(cuts)-1].Offset >= off {
		cuts = cuts[:len(cuts)-1]
	}
	return cuts, off, nil
}

var nlByte = []byte{'\n'}
