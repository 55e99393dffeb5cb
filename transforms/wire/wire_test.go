package wire

import (
	"math"
	"slices"
	"testing"
)

func TestValuesRoundTrip(t *testing.T) {
	var w Writer
	w.Uint(math.MaxUint64)
	w.Int(-42)
	w.String("Café, \"quoted\"")
	w.Bytes([]byte{0, 1, 2})
	w.Strings([]string{"a", "", "c"})
	w.Float(-0.1)

	r := Reader{B: w.B}
	if got := r.Uint(); got != math.MaxUint64 {
		t.Errorf("Uint = %d", got)
	}
	if got := r.Int(); got != -42 {
		t.Errorf("Int = %d", got)
	}
	if got := r.String(); got != "Café, \"quoted\"" {
		t.Errorf("String = %q", got)
	}
	if got := r.Bytes(); !slices.Equal(got, []byte{0, 1, 2}) {
		t.Errorf("Bytes = %v", got)
	}
	if got := r.Strings(); !slices.Equal(got, []string{"a", "", "c"}) {
		t.Errorf("Strings = %q", got)
	}
	if got := r.Float(); got != -0.1 {
		t.Errorf("Float = %v", got)
	}
	if r.Err != nil || len(r.B) != 0 {
		t.Errorf("after reading everything: err %v, %d bytes left", r.Err, len(r.B))
	}
}

// Every truncation of a valid form is an error, never a panic or a short
// value passed off as whole.
func TestTruncatedDataIsAnError(t *testing.T) {
	var w Writer
	w.String("hello")
	w.Strings([]string{"x", "yz"})
	w.Float(1.5)
	for n := range len(w.B) {
		r := Reader{B: w.B[:n]}
		_ = r.String()
		r.Strings()
		r.Float()
		if r.Err == nil {
			t.Errorf("%d of %d bytes: no error", n, len(w.B))
		}
	}
}

// A length larger than the data left is refused before anything is allocated.
func TestHugeLengthIsRefused(t *testing.T) {
	var w Writer
	w.Uint(1 << 40)
	r := Reader{B: w.B}
	if ss := r.Strings(); ss != nil || r.Err == nil {
		t.Fatalf("Strings = %d items, err %v; want an error", len(ss), r.Err)
	}
}

func TestSealOpen(t *testing.T) {
	data := make([]byte, 3, 64)
	copy(data, "abc")
	sealed := Seal(data, func(w *Writer) { w.Int(7); w.String("meta") })
	got, meta, err := Open(sealed)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "abc" {
		t.Errorf("data = %q", got)
	}
	if n, s := meta.Int(), meta.String(); n != 7 || s != "meta" || meta.Err != nil {
		t.Errorf("meta = %d %q %v", n, s, meta.Err)
	}
	for _, bad := range [][]byte{nil, {1, 2}, {0xff, 0, 0, 0}} {
		if _, _, err := Open(bad); err == nil {
			t.Errorf("Open(%v): no error", bad)
		}
	}
}
