package publish

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/beamline/beamline/internal/mongostore"
)

// ErrNoDataset is returned for a dataset no published run serves.
var ErrNoDataset = errors.New("no published dataset")

// Catalogue returns the dataset of the latest published run for every
// dataset path, sorted by path. It reads the runs and then each dataset's
// header by _id: no scan of `results`.
func Catalogue(ctx context.Context, s *mongostore.Store) ([]Dataset, error) {
	opts := options.Find().SetSort(bson.D{{Key: "published_at", Value: -1}, {Key: "_id", Value: -1}})
	cur, err := s.DB.Collection(mongostore.Runs).Find(ctx, bson.D{{Key: "status", Value: Published}}, opts)
	if err != nil {
		return nil, fmt.Errorf("MongoDB %s.runs: %w", s.DB.Name(), err)
	}
	var runs []Run
	if err := cur.All(ctx, &runs); err != nil {
		return nil, fmt.Errorf("MongoDB %s.runs: %w", s.DB.Name(), err)
	}
	seen := map[string]bool{}
	out := []Dataset{}
	for _, r := range runs {
		for _, ref := range r.Datasets {
			if seen[ref.Path] || ref.Replaced {
				continue
			}
			seen[ref.Path] = true
			d, err := header(ctx, s, datasetID(r.ID, ref.Path))
			if errors.Is(err, ErrNoDataset) {
				continue // removed since we read the run: a newer one serves it
			}
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Lookup returns the served dataset at path (pig/sales_by_region).
func Lookup(ctx context.Context, s *mongostore.Store, path string) (Dataset, error) {
	all, err := Catalogue(ctx, s)
	if err != nil {
		return Dataset{}, err
	}
	for _, d := range all {
		if d.Path == path {
			return d, nil
		}
	}
	return Dataset{}, fmt.Errorf("%s: %w", path, ErrNoDataset)
}

func header(ctx context.Context, s *mongostore.Store, id string) (Dataset, error) {
	var d Dataset
	err := s.DB.Collection(mongostore.Results).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, fmt.Errorf("%s: %w", id, ErrNoDataset)
	}
	if err != nil {
		return d, fmt.Errorf("MongoDB %s.results: %w", s.DB.Name(), err)
	}
	return d, nil
}

// Page returns rows [offset, offset+limit) of a dataset in its own order,
// each value typed as Typed made it. It reads only the chunks holding
// them, each by _id.
func Page(ctx context.Context, s *mongostore.Store, d Dataset, offset, limit int64) ([]bson.A, error) {
	if offset < 0 || limit < 0 {
		return nil, fmt.Errorf("page of %s: negative offset or limit", d.Path)
	}
	end := min(offset+limit, d.Rows)
	out := []bson.A{}
	if offset >= end {
		return out, nil
	}
	// the chunk holding offset: the last start <= offset
	seq := sort.Search(len(d.Starts), func(i int) bool { return d.Starts[i] > offset }) - 1
	for ; seq < len(d.Starts) && d.Starts[seq] < end; seq++ {
		rows, first, err := readChunk(ctx, s, d, seq)
		if err != nil {
			return nil, err
		}
		from := max(offset-first, 0)
		to := min(end-first, int64(len(rows)))
		out = append(out, rows[from:to]...)
	}
	return out, nil
}

// Each calls fn with every row of a dataset, in order.
func Each(ctx context.Context, s *mongostore.Store, d Dataset, fn func(row bson.A) error) error {
	for seq := range d.Starts {
		rows, _, err := readChunk(ctx, s, d, seq)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// readChunk returns a chunk's rows and the index of its first row.
func readChunk(ctx context.Context, s *mongostore.Store, d Dataset, seq int) ([]bson.A, int64, error) {
	var c chunk
	id := chunkID(d.RunID, d.Path, seq)
	err := s.DB.Collection(mongostore.Results).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// a newer run replaced the dataset while we read it
		return nil, 0, fmt.Errorf("%s (run %s): %w", d.Path, d.RunID, ErrNoDataset)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("MongoDB %s.results: %w", s.DB.Name(), err)
	}
	rows, err := values(d, c)
	return rows, c.First, err
}

// values parses a chunk's CSV into rows of typed values.
func values(d Dataset, c chunk) ([]bson.A, error) {
	r := csv.NewReader(strings.NewReader(c.CSV))
	r.FieldsPerRecord = len(d.Columns)
	out := make([]bson.A, 0, c.Rows)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s (run %s) chunk %d: %w", d.Path, d.RunID, c.Seq, err)
		}
		row := make(bson.A, len(rec))
		for i, v := range rec {
			row[i] = Typed(d.Columns[i].Kind, v)
		}
		out = append(out, row)
	}
	if int64(len(out)) != c.Rows {
		return nil, fmt.Errorf("%s (run %s) chunk %d: %d rows, header says %d", d.Path, d.RunID, c.Seq, len(out), c.Rows)
	}
	return out, nil
}
