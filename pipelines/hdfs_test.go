package pipelines_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	_ "github.com/beamline/beamline/internal/hdfs" // hdfs:// for the readers below
	"github.com/beamline/beamline/internal/hdfstest"
	"github.com/beamline/beamline/internal/pipelinetest"
	"github.com/beamline/beamline/internal/results"
)

// TestPipelinesOnHDFS: ingest uploads the validated reference data to
// hdfs://…/data/input, the sales and employees pipelines read it there and
// commit their results to hdfs://…/data/output, and every dataset equals
// the same run on local paths. The server is the in-process test namenode
// and datanode (1 MiB blocks) with the unmodified HDFS client.
func TestPipelinesOnHDFS(t *testing.T) {
	srv, err := hdfstest.Start(hdfstest.Options{BlockSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	t.Setenv("HADOOP_USER_NAME", "beamline")
	repo := pipelinetest.Repo()
	hin, hout := srv.URL()+"/data/input", srv.URL()+"/data/output"
	localOut := t.TempDir()

	ingest := pipelinetest.Build(t, "./pipelines/ingest")
	r := pipelinetest.MustRun(t, ingest, "--from", filepath.Join(repo, "data/input"), "--input", hin, "--output", hout)
	if !strings.Contains(r.Stdout, "sales: read 50, clean 50, rejected 0") || !strings.Contains(r.Stdout, "wrote "+hin+"/sales_data.csv") {
		t.Fatalf("ingest to HDFS:\n%s", r.Stdout)
	}
	for _, p := range []string{"sales", "employees"} {
		bin := pipelinetest.Build(t, "./pipelines/"+p)
		pipelinetest.MustRun(t, bin, "--input", hin, "--output", hout)
		pipelinetest.MustRun(t, bin, "--input", filepath.Join(repo, "data/input"), "--output", localOut)
	}
	onHDFS, err := results.List(t.Context(), hout)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range onHDFS {
		if !strings.HasPrefix(m.Path, "pig/") {
			continue
		}
		n++
		_, got := pipelinetest.Dataset(t, hout, m.Path)
		_, want := pipelinetest.Dataset(t, localOut, m.Path)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s differs on HDFS:\n%v\nlocal:\n%v", m.Path, got, want)
		}
	}
	if n != 20 { // 9 employee + 11 sales datasets
		t.Fatalf("%d pig datasets on HDFS, want 20: %v", n, onHDFS)
	}
	// a second run replaces the results atomically on HDFS too
	sales := pipelinetest.Build(t, "./pipelines/sales")
	r = pipelinetest.MustRun(t, sales, "--input", hin, "--output", hout)
	m, _ := pipelinetest.Dataset(t, hout, "pig/sales_by_region")
	if !strings.Contains(r.Stdout, m.RunID) {
		t.Fatalf("the second run's id %s is not the one served:\n%s", m.RunID, r.Stdout)
	}
}
