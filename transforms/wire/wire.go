// Package wire is the compact binary form of beamline's large Beam
// elements: blocks of rows, chunks of formatted results and the big
// accumulators (per-customer tables, distributions). Beam's default row
// coder reflects over every field of every row, and Beam encodes sampled
// elements just to measure them; a block or chunk whose encoded form is its
// own bytes costs nothing to measure, and a tight binary form keeps
// shuffles of accumulators cheap.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// Writer appends values to B.
type Writer struct{ B []byte }

// Uint appends an unsigned varint.
func (w *Writer) Uint(v uint64) { w.B = binary.AppendUvarint(w.B, v) }

// Int appends a signed varint.
func (w *Writer) Int(v int64) { w.B = binary.AppendVarint(w.B, v) }

// String appends a length-prefixed string.
func (w *Writer) String(s string) {
	w.Uint(uint64(len(s)))
	w.B = append(w.B, s...)
}

// Bytes appends a length-prefixed byte slice.
func (w *Writer) Bytes(b []byte) {
	w.Uint(uint64(len(b)))
	w.B = append(w.B, b...)
}

// Strings appends a length-prefixed list of strings.
func (w *Writer) Strings(ss []string) {
	w.Uint(uint64(len(ss)))
	for _, s := range ss {
		w.String(s)
	}
}

// Float appends a float64.
func (w *Writer) Float(f float64) { w.B = binary.LittleEndian.AppendUint64(w.B, math.Float64bits(f)) }

// Reader reads values written by a Writer. The first error sticks: reads
// after it return zero values, and Err reports it.
type Reader struct {
	B   []byte
	Err error
}

var errShort = errors.New("wire: truncated data")

func (r *Reader) fail(err error) {
	if r.Err == nil {
		r.Err = err
	}
	r.B = nil
}

// Uint reads an unsigned varint.
func (r *Reader) Uint() uint64 {
	v, n := binary.Uvarint(r.B)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.B = r.B[n:]
	return v
}

// Int reads a signed varint.
func (r *Reader) Int() int64 {
	v, n := binary.Varint(r.B)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.B = r.B[n:]
	return v
}

// Len reads a length and checks that at least min bytes per item remain.
func (r *Reader) Len(min int) int {
	n := r.Uint()
	if min > 0 && n > uint64(len(r.B)/min) {
		r.fail(fmt.Errorf("wire: length %d exceeds the data", n))
		return 0
	}
	return int(n)
}

// String reads a string (a copy, not an alias of the data).
func (r *Reader) String() string {
	n := r.Len(1)
	if n > len(r.B) {
		r.fail(errShort)
		return ""
	}
	s := string(r.B[:n])
	r.B = r.B[n:]
	return s
}

// Bytes reads a byte slice (a copy).
func (r *Reader) Bytes() []byte {
	n := r.Len(1)
	if n > len(r.B) {
		r.fail(errShort)
		return nil
	}
	b := append([]byte(nil), r.B[:n]...)
	r.B = r.B[n:]
	return b
}

// Strings reads a list of strings.
func (r *Reader) Strings() []string {
	n := r.Len(1)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.String()
	}
	return out
}

// Float reads a float64.
func (r *Reader) Float() float64 {
	if len(r.B) < 8 {
		r.fail(errShort)
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.B))
	r.B = r.B[8:]
	return v
}

// Seal lays out data followed by a trailer of metadata written by meta and
// the trailer's length (4 bytes), appending in place when data has room: the
// result is an element's whole encoded form, of which data is the start.
func Seal(data []byte, meta func(w *Writer)) []byte {
	start := len(data)
	w := Writer{B: data}
	meta(&w)
	return binary.LittleEndian.AppendUint32(w.B, uint32(len(w.B)-start))
}

// Open splits a sealed form into its data and a Reader of its trailer.
func Open(b []byte) (data []byte, meta *Reader, err error) {
	if len(b) < 4 {
		return nil, nil, errShort
	}
	n := int(binary.LittleEndian.Uint32(b[len(b)-4:]))
	if n > len(b)-4 {
		return nil, nil, errShort
	}
	end := len(b) - 4 - n
	return b[:end], &Reader{B: b[end : len(b)-4]}, nil
}

// Register makes Beam encode T with enc and decode it with dec, instead of
// reflecting over its fields. enc and dec must be named functions of their
// own: Beam finds a coder's functions again by their symbol names, which the
// closures of a generic function share. Both are registered with shims, so
// that Beam calls them directly rather than through reflection.
func Register[T any](enc func(T) []byte, dec func([]byte) (T, error)) {
	var zero T
	register.Function1x1(enc)
	register.Function1x2(dec)
	beam.RegisterCoder(reflect.TypeOf(zero), enc, dec)
}

// Marshaler is a type with a binary form.
type Marshaler[T any] interface {
	*T
	Encode(w *Writer)
	Decode(r *Reader)
}

// Marshal returns v's binary form, for a type's named encoder.
func Marshal[T any, PT Marshaler[T]](v T) []byte {
	var w Writer
	PT(&v).Encode(&w)
	return w.B
}

// Unmarshal reads a binary form written by Marshal, for a type's named
// decoder.
func Unmarshal[T any, PT Marshaler[T]](b []byte) (T, error) {
	var v T
	r := Reader{B: b}
	PT(&v).Decode(&r)
	return v, r.Err
}
