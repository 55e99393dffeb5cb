package unified

import (
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/beamline/beamline/transforms/csvio"
)

func TestRawTextIsRelaxedAndCut(t *testing.T) {
	doc := mustBSON(t, bson.D{{Key: "_id", Value: "X"}, {Key: "n", Value: int32(2)}, {Key: "p", Value: 1.5}})
	if got := RawText(doc); got != `{"_id":"X","n":2,"p":1.5}` {
		t.Errorf("RawText = %s", got)
	}
	big := mustBSON(t, bson.D{{Key: "s", Value: strings.Repeat("é", csvio.MaxRawBytes)}})
	got := RawText(big)
	if len(got) > csvio.MaxRawBytes+40 || !strings.HasSuffix(got, " bytes]") || !strings.Contains(got, "…[truncated ") {
		t.Errorf("RawText of a big document: %d bytes ending %q", len(got), got[len(got)-30:])
	}
	if got := RawText(bson.Raw{1, 2, 3}); !strings.Contains(got, "3 bytes that are not a BSON document") {
		t.Errorf("RawText of garbage = %q", got)
	}
}
