package runners

import (
	"bytes"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	beamrunners "github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
)

func TestChoose(t *testing.T) {
	const pool = "pool.example:50000"
	tests := []struct {
		name                      string
		runner, endpoint, typ     string
		config                    string
		wantEndpoint, wantType    string
		wantConfig, wantWhyPrefix string
	}{
		{name: "default is prism in-process", wantType: "", wantConfig: ""},
		{name: "in-process keeps the user's environment", runner: "prism", typ: "external", config: "h:1", wantType: "external", wantConfig: "h:1"},
		{name: "direct", runner: "direct"},
		{name: "local job service by name", runner: "universal", endpoint: "localhost:8099", wantEndpoint: "localhost:8099", wantType: Loopback, wantWhyPrefix: "the job service is on this host"},
		{name: "local job service by IPv4", runner: "portable", endpoint: "127.0.0.1:41000", wantEndpoint: "127.0.0.1:41000", wantType: Loopback},
		{name: "local job service by IPv6", runner: "flink", endpoint: "[::1]:8099", wantEndpoint: "[::1]:8099", wantType: Loopback},
		{name: "any 127/8 address", runner: "spark", endpoint: "127.0.0.2:8099", wantEndpoint: "127.0.0.2:8099", wantType: Loopback},
		{name: "prism as a job service", runner: "prism", endpoint: "localhost:8073", wantEndpoint: "localhost:8073", wantType: Loopback},
		{name: "cluster: the worker pool", runner: "flink", endpoint: "flink-jobserver:8099", wantEndpoint: "flink-jobserver:8099", wantType: External, wantConfig: pool, wantWhyPrefix: "the job service is on another host"},
		{name: "cluster by address", runner: "spark", endpoint: "10.0.0.7:8099", wantEndpoint: "10.0.0.7:8099", wantType: External, wantConfig: pool},
		{name: "no port: the job server's", runner: "flink", endpoint: "flink-jobserver", wantEndpoint: "flink-jobserver:8099", wantType: External, wantConfig: pool},
		{name: "no port, IPv6", runner: "universal", endpoint: "::1", wantEndpoint: "[::1]:8099", wantType: Loopback},
		{name: "a config without a type is a worker pool", runner: "universal", endpoint: "localhost:8099", config: "localhost:50001", wantEndpoint: "localhost:8099", wantType: External, wantConfig: "localhost:50001", wantWhyPrefix: "--environment_config"},
		{name: "EXTERNAL without config", runner: "flink", endpoint: "localhost:8099", typ: "external", wantEndpoint: "localhost:8099", wantType: External, wantConfig: pool, wantWhyPrefix: "EXTERNAL without"},
		{name: "EXTERNAL as given", runner: "flink", endpoint: "jm:8099", typ: "EXTERNAL", config: "w:5", wantEndpoint: "jm:8099", wantType: External, wantConfig: "w:5", wantWhyPrefix: "as given"},
		{name: "LOOPBACK to a cluster as given", runner: "flink", endpoint: "jm:8099", typ: "loopback", wantEndpoint: "jm:8099", wantType: Loopback, wantWhyPrefix: "as given"},
		{name: "DOCKER as given", runner: "flink", endpoint: "jm:8099", typ: "Docker", config: "apache/beam_go_sdk:2.77.0", wantEndpoint: "jm:8099", wantType: Docker, wantConfig: "apache/beam_go_sdk:2.77.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Choose(Request{Runner: tt.runner, Endpoint: tt.endpoint, EnvironmentType: tt.typ, EnvironmentConfig: tt.config, WorkerPool: pool})
			if err != nil {
				t.Fatal(err)
			}
			if c.Endpoint != tt.wantEndpoint || c.EnvironmentType != tt.wantType || c.EnvironmentConfig != tt.wantConfig || !strings.HasPrefix(c.Why, tt.wantWhyPrefix) {
				t.Errorf("got %+v\nwant endpoint %q, type %q, config %q, why %q…", c, tt.wantEndpoint, tt.wantType, tt.wantConfig, tt.wantWhyPrefix)
			}
			if (c.Endpoint == "") != (c.Why == "") {
				t.Errorf("a job service needs a reason and only it: %+v", c)
			}
		})
	}
}

func TestChooseRefuses(t *testing.T) {
	tests := []struct {
		req  Request
		want string
	}{
		{Request{Runner: "flink"}, "--runner flink submits the pipeline to a Beam job service: give its address with --endpoint host:port"},
		{Request{Runner: "spark"}, "--runner spark submits"},
		{Request{Runner: "universal"}, "--endpoint host:port"},
		{Request{Runner: "portable"}, "--endpoint host:port"},
		{Request{Runner: "direct", Endpoint: "localhost:8099"}, "--runner direct runs in this process and takes no --endpoint"},
		{Request{Runner: "dataflow", Endpoint: "localhost:8099"}, `--runner "dataflow" is not supported`},
		{Request{Runner: "flink", Endpoint: "http://jm:8099"}, `--endpoint "http://jm:8099": want host:port`},
		{Request{Runner: "flink", Endpoint: "jm:http"}, `--endpoint "jm:http": port "http" is not a port number`},
		{Request{Runner: "flink", Endpoint: "jm:0"}, `port "0"`},
		{Request{Runner: "flink", Endpoint: "jm:8099", EnvironmentType: "kubernetes"}, `--environment_type "kubernetes" is not supported; use one of LOOPBACK, EXTERNAL, DOCKER, PROCESS`},
		{Request{Runner: "flink", Endpoint: "jm:8099", EnvironmentType: "external", EnvironmentConfig: "pool"}, `--environment_config "pool": an EXTERNAL environment needs the worker pool's host:port`},
		{Request{Runner: "flink", Endpoint: "jm:8099", EnvironmentConfig: "apache/beam_go_sdk"}, `--environment_config "apache/beam_go_sdk"`},
	}
	for _, tt := range tests {
		c, err := Choose(tt.req)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Choose(%+v) = %+v, %v; want an error with %q", tt.req, c, err, tt.want)
		}
	}
}

// TestSetup: the choice reaches Beam's flags, is logged on one line, and
// $BEAMLINE_WORKER_POOL moves the default worker pool.
func TestSetup(t *testing.T) {
	flags := []*string{beamrunners.Runner, jobopts.Endpoint, jobopts.EnvironmentType, jobopts.EnvironmentConfig, jobopts.WorkerBinary}
	saved := make([]string, len(flags))
	for i, f := range flags {
		saved[i] = *f
	}
	defer func() {
		for i, f := range flags {
			*f = saved[i]
		}
	}()
	set := func(runner, endpoint, typ, config string) {
		*beamrunners.Runner, *jobopts.Endpoint, *jobopts.EnvironmentType, *jobopts.EnvironmentConfig = runner, endpoint, typ, config
	}

	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	t.Setenv(EnvWorkerPool, "")
	set("flink", "flink-jobserver", "", "")
	c, err := Setup(log)
	if err != nil || c.Runner != "flink" {
		t.Fatal(c, err)
	}
	if *jobopts.Endpoint != "flink-jobserver:8099" || *jobopts.EnvironmentType != External || *jobopts.EnvironmentConfig != DefaultWorkerPool {
		t.Errorf("flags: endpoint %q, type %q, config %q", *jobopts.Endpoint, *jobopts.EnvironmentType, *jobopts.EnvironmentConfig)
	}
	line := buf.String()
	for _, want := range []string{"runner=flink", "endpoint=flink-jobserver:8099", "environment_type=EXTERNAL", "environment_config=" + DefaultWorkerPool, `why="the job service is on another host`} {
		if !strings.Contains(line, want) {
			t.Errorf("log lacks %s: %s", want, line)
		}
	}
	if strings.Count(line, "\n") != 1 {
		t.Errorf("want one log line: %q", line)
	}
	// Workers elsewhere get this binary, not a `go build` of the sources.
	if exe, _ := os.Executable(); runtime.GOOS == "linux" && runtime.GOARCH == "amd64" && *jobopts.WorkerBinary != exe {
		t.Errorf("worker binary %q, want this executable %q", *jobopts.WorkerBinary, exe)
	}
	*jobopts.WorkerBinary = ""
	set("universal", "localhost:8099", "", "")
	if _, err := Setup(log); err != nil || *jobopts.WorkerBinary != "" {
		t.Errorf("LOOPBACK: worker binary %q (want none: the workers run in this process), %v", *jobopts.WorkerBinary, err)
	}

	t.Setenv(EnvWorkerPool, "pool:7000")
	set("flink", "jm:8099", "", "")
	if _, err := Setup(log); err != nil || *jobopts.EnvironmentConfig != "pool:7000" {
		t.Errorf("$%s: config %q, %v", EnvWorkerPool, *jobopts.EnvironmentConfig, err)
	}
	t.Setenv(EnvWorkerPool, "pool")
	set("flink", "jm:8099", "", "")
	if _, err := Setup(log); err == nil || !strings.Contains(err.Error(), `$BEAMLINE_WORKER_POOL "pool": want the worker pool's host:port`) {
		t.Errorf("bad $%s: %v", EnvWorkerPool, err)
	}

	buf.Reset()
	set("", "", "", "")
	if c, err := Setup(log); err != nil || c.Runner != Default || *jobopts.Endpoint != "" || *jobopts.EnvironmentType != "" || buf.Len() != 0 {
		t.Errorf("in-process: %+v, %v, flags %q %q, log %q", c, err, *jobopts.Endpoint, *jobopts.EnvironmentType, buf.String())
	}
}

func TestHelpNamesTheRunnersAndEnvironments(t *testing.T) {
	for flag, want := range map[string][]string{
		"runner":             {"direct, flink, portable, prism, spark, universal", "--endpoint"},
		"endpoint":           {"host:port", "8099"},
		"environment_type":   {Loopback, External, Docker, Process},
		"environment_config": {DefaultWorkerPool, EnvWorkerPool},
	} {
		h := Help(flag)
		for _, w := range want {
			if !strings.Contains(h, w) {
				t.Errorf("Help(%s) lacks %q: %s", flag, w, h)
			}
		}
	}
	if Help("input") != "" {
		t.Error("Help answers for a flag that is not the runner's")
	}
}
