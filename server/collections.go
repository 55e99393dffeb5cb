package server

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// sampleSize is how many documents of each collection
// /api/mongodb/collections shows, and maxSampleString the bytes of a
// string it shows of them (a chunk of `results` holds up to 1 MiB of CSV).
const (
	sampleSize      = 3
	maxSampleString = 512
)

// mongoCollections is GET /api/mongodb/collections: every collection of
// the database with its document count and its first documents by _id.
func (s *Server) mongoCollections(c echo.Context) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	ctx, cancel := s.mongoCtx(c)
	defer cancel()
	names, err := st.DB.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("MongoDB %s: list collections: %w", st.DB.Name(), err)
	}
	type collection struct {
		Count  int64 `json:"count"`
		Sample []any `json:"sample"`
	}
	out := map[string]collection{}
	for _, name := range names {
		coll := st.DB.Collection(name)
		n, err := coll.CountDocuments(ctx, bson.D{})
		if err != nil {
			return fmt.Errorf("MongoDB %s.%s: count: %w", st.DB.Name(), name, err)
		}
		cur, err := coll.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(sampleSize))
		if err != nil {
			return fmt.Errorf("MongoDB %s.%s: find: %w", st.DB.Name(), name, err)
		}
		var docs []bson.D
		if err := cur.All(ctx, &docs); err != nil {
			return fmt.Errorf("MongoDB %s.%s: find: %w", st.DB.Name(), name, err)
		}
		sample := make([]any, len(docs))
		for i, d := range docs {
			sample[i] = plain(d)
		}
		out[name] = collection{Count: n, Sample: sample}
	}
	return c.JSON(http.StatusOK, out)
}

// plain turns a BSON value into plain JSON: ObjectIDs as hex strings (the
// original's `_id` as string), dates as RFC 3339, decimals as strings,
// documents in their field order, long strings cut.
func plain(v any) any {
	switch x := v.(type) {
	case bson.D:
		return orderedDoc(x)
	case bson.A:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case primitive.ObjectID:
		return x.Hex()
	case primitive.DateTime:
		return x.Time().UTC().Format(time.RFC3339Nano)
	case primitive.Decimal128:
		return x.String() // may be NaN or Infinity, which JSON numbers cannot be
	case primitive.Binary:
		return base64.StdEncoding.EncodeToString(x.Data)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprint(x)
		}
		return x
	case string:
		if len(x) > maxSampleString {
			cut := maxSampleString
			for cut > 0 && !utf8.RuneStart(x[cut]) {
				cut--
			}
			return x[:cut] + "…"
		}
		return x
	case int32, int64, bool, nil:
		return x
	}
	return fmt.Sprint(v)
}

// orderedDoc is a document that marshals with its fields in order.
type orderedDoc bson.D

func (d orderedDoc) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, e := range d {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, e.Key)
		b = append(b, ':')
		v, err := json.Marshal(plain(e.Value))
		if err != nil {
			return nil, err
		}
		b = append(b, v...)
	}
	return append(b, '}'), nil
}
