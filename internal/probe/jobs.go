package probe

import (
	"context"
	"fmt"
	"sort"

	jobpb "github.com/apache/beam/sdks/v2/go/pkg/beam/model/jobmanagement_v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// JobsInfo is what the Beam job service knows: the original asked the
// Spark master for its applications; beamline submits Beam jobs to a job
// service (Flink's, Spark's or prism) and asks it for its jobs.
type JobsInfo struct {
	Endpoint      string `json:"endpoint"`
	JobsRunning   int    `json:"jobs_running"` // starting, running, draining, cancelling or updating
	JobsDone      int    `json:"jobs_done"`
	JobsFailed    int    `json:"jobs_failed"`
	JobsCancelled int    `json:"jobs_cancelled"` // cancelled or drained
	JobsTotal     int    `json:"jobs_total"`
	// Jobs are up to MaxJobs of them, by name then id.
	Jobs []Job `json:"jobs"`
}

// Job is one job of the job service.
type Job struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	State string `json:"state"`
}

// MaxJobs is how many jobs a report lists.
const MaxJobs = 10

// checkJobs calls JobService.GetJobs on endpoint over a fresh connection
// (a kept one would wait out gRPC's reconnection backoff after an outage).
func checkJobs(ctx context.Context, endpoint string) Service {
	fail := func(err error) Service {
		return Service{Status: Disconnected, Info: map[string]any{"endpoint": endpoint}, Error: err.Error()}
	}
	conn, err := grpc.NewClient(endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fail(fmt.Errorf("Beam job service %s: %w", endpoint, err))
	}
	defer conn.Close()
	resp, err := jobpb.NewJobServiceClient(conn).GetJobs(ctx, &jobpb.GetJobsRequest{})
	if err != nil {
		return fail(fmt.Errorf("Beam job service %s: GetJobs: %w", endpoint, err))
	}
	info := &JobsInfo{Endpoint: endpoint, Jobs: []Job{}}
	for _, j := range resp.GetJobInfo() {
		info.JobsTotal++
		switch j.GetState() {
		case jobpb.JobState_STARTING, jobpb.JobState_RUNNING, jobpb.JobState_DRAINING,
			jobpb.JobState_CANCELLING, jobpb.JobState_UPDATING:
			info.JobsRunning++
		case jobpb.JobState_DONE:
			info.JobsDone++
		case jobpb.JobState_FAILED:
			info.JobsFailed++
		case jobpb.JobState_CANCELLED, jobpb.JobState_DRAINED:
			info.JobsCancelled++
		}
		info.Jobs = append(info.Jobs, Job{ID: j.GetJobId(), Name: j.GetJobName(), State: j.GetState().String()})
	}
	sort.Slice(info.Jobs, func(a, b int) bool {
		x, y := info.Jobs[a], info.Jobs[b]
		return x.Name < y.Name || (x.Name == y.Name && x.ID < y.ID)
	})
	if len(info.Jobs) > MaxJobs {
		info.Jobs = info.Jobs[:MaxJobs]
	}
	return Service{Status: Connected, Info: info}
}
