// Package mongoio is Beam's access to MongoDB for beamline's pipelines:
// reading a collection with the driver in a DoFn of our own (Beam's
// mongodbio.Read needs splitVector or $bucketAuto, which the embedded
// server lacks) and loading validated documents in small keyed batches.
package mongoio

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/internal/progress"
)

func init() {
	register.DoFn3x1[context.Context, []byte, func([]byte), error](&readFn{})
	register.Emitter1[[]byte]()
}

// Read reads every document of a collection (in no particular order):
// PCollection<[]byte> of BSON documents. The URI is resolved when the
// pipeline is built (--mongo-uri or $MONGODB_URI).
func Read(s beam.Scope, uri, collection string) beam.PCollection {
	s = s.Scope("mongoio.Read." + collection)
	return beam.ParDo(s, &readFn{URI: uri, Collection: collection}, beam.Impulse(s))
}

type readFn struct {
	URI        string
	Collection string
}

func (f *readFn) ProcessElement(ctx context.Context, _ []byte, emit func([]byte)) error {
	st, err := mongostore.Shared(ctx, f.URI)
	if err != nil {
		return err
	}
	opts := options.Find().SetBatchSize(1000)
	cur, err := st.DB.Collection(f.Collection).Find(ctx, bson.D{}, opts)
	if err != nil {
		return fmt.Errorf("MongoDB %s.%s: %w", st.DB.Name(), f.Collection, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		emit(append([]byte(nil), cur.Current...))
		progress.Read.Add(1)
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("MongoDB %s.%s: reading: %w", st.DB.Name(), f.Collection, err)
	}
	return nil
}
