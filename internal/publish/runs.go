// Package publish makes a run's committed results what the API serves: it
// records every run in MongoDB `runs` and loads the datasets a run wrote
// into `results`, in chunks a page read fetches by _id. A run's rows become
// visible only when its `runs` document says "published"; readers take the
// latest published run of each dataset, and the rows of the runs it
// replaces are removed afterwards.
package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/beamline/beamline/internal/mongostore"
)

// Run statuses, in the order a run goes through them.
const (
	Running    = "running"    // the pipeline runs
	Failed     = "failed"     // the pipeline or its commit failed; nothing of it is served
	Publishing = "publishing" // committed; its rows are being loaded
	Published  = "published"  // its datasets are served (unless a later run replaced them)
)

// Counts are an input's row counts.
type Counts struct {
	Input    string `bson:"input" json:"input"`
	Read     int64  `bson:"read" json:"read"`
	Clean    int64  `bson:"clean" json:"clean"`
	Rejected int64  `bson:"rejected" json:"rejected"`
}

// DatasetRef is a dataset a run wrote.
type DatasetRef struct {
	Path     string `bson:"path" json:"path"`
	Family   string `bson:"family" json:"family"`
	Analysis string `bson:"analysis" json:"analysis"`
	Rows     int64  `bson:"rows" json:"rows"`
	// Replaced is set when a later run's publication removed these rows.
	Replaced bool `bson:"replaced,omitempty" json:"replaced,omitempty"`
}

// Run is a run's document in `runs`.
type Run struct {
	ID          string            `bson:"_id" json:"id"`
	Pipeline    string            `bson:"pipeline" json:"pipeline"`
	Runner      string            `bson:"runner" json:"runner"`
	Input       string            `bson:"input" json:"input"`
	Output      string            `bson:"output" json:"output"`
	Status      string            `bson:"status" json:"status"`
	Error       string            `bson:"error,omitempty" json:"error,omitempty"`
	Started     time.Time         `bson:"started" json:"started"`
	Finished    *time.Time        `bson:"finished,omitempty" json:"finished,omitempty"`
	PublishedAt *time.Time        `bson:"published_at,omitempty" json:"published_at,omitempty"`
	DurationMS  int64             `bson:"duration_ms" json:"duration_ms"`
	PublishMS   int64             `bson:"publish_ms,omitempty" json:"publish_ms,omitempty"`
	Inputs      []Counts          `bson:"inputs" json:"inputs"`
	Datasets    []DatasetRef      `bson:"datasets" json:"datasets"`
	Params      map[string]string `bson:"params,omitempty" json:"params,omitempty"`
}

// Begin records a run that starts.
func Begin(ctx context.Context, s *mongostore.Store, r Run) error {
	r.Status = Running
	if r.Started.IsZero() {
		r.Started = time.Now().UTC()
	}
	if r.Inputs == nil {
		r.Inputs = []Counts{}
	}
	if r.Datasets == nil {
		r.Datasets = []DatasetRef{}
	}
	if err := s.Replace(ctx, mongostore.Runs, []any{r}); err != nil {
		return fmt.Errorf("recording run %s: %w", r.ID, err)
	}
	return nil
}

// Fail marks a run failed with its error; its rows, if any were loaded, are
// removed.
func Fail(ctx context.Context, s *mongostore.Store, id string, cause error) error {
	r, err := GetRun(ctx, s, id)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	msg := ""
	if cause != nil {
		msg = cause.Error()
	}
	err = setRun(ctx, s, id, bson.D{
		{Key: "status", Value: Failed}, {Key: "error", Value: msg},
		{Key: "finished", Value: now}, {Key: "duration_ms", Value: now.Sub(r.Started).Milliseconds()},
	})
	if err != nil {
		return err
	}
	return removeRows(ctx, s, r, nil)
}

// GetRun returns a run's document; errors.Is(err, ErrNoRun) when there is
// none.
func GetRun(ctx context.Context, s *mongostore.Store, id string) (Run, error) {
	var r Run
	err := s.DB.Collection(mongostore.Runs).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return r, fmt.Errorf("run %s: %w", id, ErrNoRun)
	}
	if err != nil {
		return r, fmt.Errorf("MongoDB %s.runs: %w", s.DB.Name(), err)
	}
	return r, nil
}

// ErrNoRun is returned for an unknown run id.
var ErrNoRun = errors.New("no such run")

// Runs returns the latest runs, newest first (limit ≤ 0: all).
func Runs(ctx context.Context, s *mongostore.Store, limit int64) ([]Run, error) {
	opts := options.Find().SetSort(bson.D{{Key: "started", Value: -1}, {Key: "_id", Value: -1}})
	if limit > 0 {
		opts.SetLimit(limit)
	}
	cur, err := s.DB.Collection(mongostore.Runs).Find(ctx, bson.D{}, opts)
	if err != nil {
		return nil, fmt.Errorf("MongoDB %s.runs: %w", s.DB.Name(), err)
	}
	out := []Run{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("MongoDB %s.runs: %w", s.DB.Name(), err)
	}
	return out, nil
}

func setRun(ctx context.Context, s *mongostore.Store, id string, fields bson.D) error {
	_, err := s.DB.Collection(mongostore.Runs).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: fields}})
	if err != nil {
		return fmt.Errorf("MongoDB %s.runs: updating run %s: %w", s.DB.Name(), id, err)
	}
	return nil
}
