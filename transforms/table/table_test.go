package table

import (
	"testing"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/decimal"
	"github.com/beamline/beamline/transforms/money"
)

func TestBuilderFormatsAndQuotes(t *testing.T) {
	ds := New(Pig, "x", "", S("a"), I("b"), M("c"), D("d"), T("e"))
	b := NewBuilder(ds)
	d, _ := calendar.Parse("2024-08-01")
	b.Text("plain").Int(-3).Money(123456).Fixed(decimal.Ratio(1, 3)).Date(d).End()
	b.Row("a,b", `say "hi"`, "two\nlines", " pad", "")
	c := b.Chunk(7)
	want := "plain,-3,1234.56,0.3333,2024-08-01\n\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\",\n"
	if string(c.CSV) != want || c.Rows != 2 || c.Seq != 7 {
		t.Errorf("chunk %q rows %d", c.CSV, c.Rows)
	}
	defer func() {
		if recover() == nil {
			t.Error("a row with too few fields should panic")
		}
	}()
	b.Text("x").End()
}

func TestChunkWireRoundTrip(t *testing.T) {
	ds := New(Spark, "f", "", S("id"))
	b := NewBuilder(ds).WithColumns([]Column{S("id"), D("x")})
	b.Text("C1").Fixed(decimal.Float(0.5)).End()
	c := b.Chunk(3)
	c.Source = "block-3" // set after building: the wire form must follow
	enc := encodeChunk(c)
	got, err := decodeChunk(enc)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.CSV) != "C1,0.5\n" || got.Seq != 3 || got.Source != "block-3" || got.Rows != 1 || len(got.Columns) != 2 || got.Columns[1] != D("x") {
		t.Errorf("decoded %+v", got)
	}
	// A sealed, unchanged chunk encodes to its own wire form: no copy.
	sealed := Sealed(c)
	if e := encodeChunk(sealed); &e[0] != &sealed.Wire[0] {
		t.Error("encoding a sealed chunk copied it")
	}
	if _, err := decodeChunk([]byte{1, 2}); err == nil {
		t.Error("truncated data should not decode")
	}
	_ = money.Cents(0)
}

func TestAppendCSVQuotesOnlyWhenNeeded(t *testing.T) {
	got := string(AppendCSV(nil, []string{"plain", "a,b", `say "hi"`, "two\nlines", " pad", "", "é"}))
	want := "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\",,é\n"
	if got != want {
		t.Errorf("got %q want %q", got, want)
	}
}
