package runners

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	beamrunners "github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
)

// DefaultWorkerPool is where a cluster's Go SDK worker pool listens: the
// pool runs beside each Flink taskmanager, so the taskmanager reaches it on
// its own localhost. An EXTERNAL environment uses it unless
// --environment_config or $BEAMLINE_WORKER_POOL names another.
const DefaultWorkerPool = "localhost:50000"

// EnvWorkerPool names the environment variable that overrides
// DefaultWorkerPool.
const EnvWorkerPool = "BEAMLINE_WORKER_POOL"

// JobServerPort is the port of a Beam job service (the Flink and Spark job
// servers listen on it); an --endpoint without a port gets it.
const JobServerPort = 8099

// The environments a job service can run beamline's workers in.
const (
	Loopback = "LOOPBACK" // in the submitting process; the job service calls back into it
	External = "EXTERNAL" // in a worker pool already running at --environment_config
	Docker   = "DOCKER"   // in an SDK container the runner starts
	Process  = "PROCESS"  // in a process the runner starts
)

// Request is what the command line asks of the runner: --runner,
// --endpoint, --environment_type and --environment_config, and the worker
// pool an EXTERNAL environment defaults to.
type Request struct {
	Runner            string
	Endpoint          string
	EnvironmentType   string
	EnvironmentConfig string
	WorkerPool        string
}

// Choice is how a run is handed to its runner.
type Choice struct {
	Runner            string // the --runner value, lower case
	Endpoint          string // the job service as host:port; "" when the runner runs in-process
	EnvironmentType   string // where the job service runs the workers; "" leaves it to Beam
	EnvironmentConfig string // for EXTERNAL, the worker pool's host:port
	Why               string // why this environment, for the log
}

// Choose decides how a run reaches its runner. In-process runners take the
// request as it is. A job service (universal, portable, flink, spark, or
// prism with an --endpoint) needs an --endpoint, and when no environment is
// given gets one that works instead of Beam's DOCKER default: LOOPBACK for
// a job service on this host (its workers run in this process), EXTERNAL at
// the worker pool for one elsewhere.
func Choose(req Request) (Choice, error) {
	name, err := normalize(req.Runner)
	if err != nil {
		return Choice{}, err
	}
	c := Choice{Runner: name, EnvironmentType: req.EnvironmentType, EnvironmentConfig: req.EnvironmentConfig}
	endpoint := strings.TrimSpace(req.Endpoint)
	switch {
	case names[name] == "direct":
		if endpoint != "" {
			return Choice{}, fmt.Errorf("--runner direct runs in this process and takes no --endpoint %q; use --runner universal to submit to a job service", endpoint)
		}
		return c, nil
	case names[name] == "prism" && endpoint == "":
		return c, nil // in-process: prism starts its own job service and uses LOOPBACK
	case endpoint == "":
		return Choice{}, fmt.Errorf("--runner %s submits the pipeline to a Beam job service: give its address with --endpoint host:port (e.g. --endpoint localhost:%d)", name, JobServerPort)
	}
	if c.Endpoint, err = hostPort(endpoint); err != nil {
		return Choice{}, err
	}
	typ := strings.ToUpper(strings.TrimSpace(req.EnvironmentType))
	config := strings.TrimSpace(req.EnvironmentConfig)
	switch typ {
	case "":
		switch {
		case config != "":
			typ, c.Why = External, "--environment_config names the worker pool"
		case isLocal(c.Endpoint):
			typ, c.Why = Loopback, "the job service is on this host: its workers run in this process"
		default:
			typ, config, c.Why = External, req.WorkerPool, "the job service is on another host: its workers run in the SDK worker pool beside it"
		}
	case External:
		c.Why = "as given"
		if config == "" {
			config, c.Why = req.WorkerPool, "EXTERNAL without --environment_config: the SDK worker pool beside the job service"
		}
	case Loopback, Docker, Process:
		c.Why = "as given"
	default:
		return Choice{}, fmt.Errorf("--environment_type %q is not supported; use one of %s, %s, %s, %s", req.EnvironmentType, Loopback, External, Docker, Process)
	}
	if typ == External {
		if _, _, err := net.SplitHostPort(config); err != nil {
			if strings.TrimSpace(req.EnvironmentConfig) == "" { // the pool, which only $BEAMLINE_WORKER_POOL can make wrong
				return Choice{}, fmt.Errorf("$%s %q: want the worker pool's host:port (e.g. %s)", EnvWorkerPool, config, DefaultWorkerPool)
			}
			return Choice{}, fmt.Errorf("--environment_config %q: an EXTERNAL environment needs the worker pool's host:port (e.g. %s)", config, DefaultWorkerPool)
		}
	}
	c.EnvironmentType, c.EnvironmentConfig = typ, config
	return c, nil
}

// hostPort checks an --endpoint and adds JobServerPort when it has no port.
func hostPort(endpoint string) (string, error) {
	host, port, err := net.SplitHostPort(endpoint)
	if err != nil {
		if strings.Contains(endpoint, "/") || strings.Count(strings.Trim(endpoint, "[]"), ":") == 1 {
			return "", fmt.Errorf("--endpoint %q: want host:port, e.g. localhost:%d", endpoint, JobServerPort)
		}
		return net.JoinHostPort(strings.Trim(endpoint, "[]"), strconv.Itoa(JobServerPort)), nil
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return "", fmt.Errorf("--endpoint %q: port %q is not a port number", endpoint, port)
	}
	if strings.Contains(host, "/") {
		return "", fmt.Errorf("--endpoint %q: want host:port, e.g. localhost:%d", endpoint, JobServerPort)
	}
	return endpoint, nil
}

// isLocal reports whether a host:port names this host by its loopback
// address or name.
func isLocal(endpoint string) bool {
	host, _, _ := net.SplitHostPort(endpoint)
	host = strings.ToLower(host)
	if host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Setup reads the runner flags (after flag.Parse), makes the choice and
// sets Beam's flags to it, logging the environment chosen for a job
// service. Errors are usage errors.
func Setup(log *slog.Logger) (Choice, error) {
	pool := DefaultWorkerPool
	if v := strings.TrimSpace(os.Getenv(EnvWorkerPool)); v != "" {
		pool = v
	}
	c, err := Choose(Request{
		Runner: *beamrunners.Runner, Endpoint: *jobopts.Endpoint,
		EnvironmentType: *jobopts.EnvironmentType, EnvironmentConfig: *jobopts.EnvironmentConfig, WorkerPool: pool,
	})
	if err != nil {
		return Choice{}, err
	}
	*jobopts.Endpoint, *jobopts.EnvironmentType, *jobopts.EnvironmentConfig = c.Endpoint, c.EnvironmentType, c.EnvironmentConfig
	if c.Endpoint != "" && c.EnvironmentType != Loopback && *jobopts.WorkerBinary == "" && runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		// Workers elsewhere run this very binary: ship it rather than let
		// Beam rebuild the program with `go build`, which needs the sources
		// and a Go toolchain (neither is in beamline's image).
		if exe, err := os.Executable(); err == nil {
			*jobopts.WorkerBinary = exe
		}
	}
	if c.Endpoint != "" {
		log.Info("submitting to a job service", "runner", c.Runner, "endpoint", c.Endpoint,
			"environment_type", c.EnvironmentType, "environment_config", c.EnvironmentConfig, "why", c.Why)
	}
	return c, nil
}

// Help returns beamline's --help text for the runner flags (runner,
// endpoint, environment_type, environment_config), "" for other flags.
func Help(flag string) string {
	switch flag {
	case "runner":
		return "Beam runner: " + strings.Join(Names(), ", ") + " (default " + Default + ", in-process); " +
			"universal (= portable), flink and spark submit to the job service at --endpoint"
	case "endpoint":
		return fmt.Sprintf("Beam job service, host:port (port %d when omitted); needed by universal, portable, flink and spark; prism submits to it instead of running in-process", JobServerPort)
	case "environment_type":
		return "where the job service runs the pipeline's workers: " + Loopback + " (in this process), " + External + " (a worker pool), " +
			Docker + " or " + Process + " (default: " + Loopback + " for a job service on this host, " + External + " otherwise)"
	case "environment_config":
		return "for " + External + ": the worker pool's host:port (default $" + EnvWorkerPool + ", else " + DefaultWorkerPool +
			"); for " + Docker + ": the SDK image"
	}
	return ""
}
