package deploy

import (
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/beamline/beamline/internal/hdfs"
	"github.com/beamline/beamline/internal/mongostore"
	"github.com/beamline/beamline/runners"
	"github.com/beamline/beamline/server"
)

// beamlineServices are the services running beamline's image: the ones
// built from the Dockerfile.
func beamlineServices(t *testing.T, c composeFile) []string {
	t.Helper()
	var names []string
	for name, s := range c.Services {
		if s.Build != nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, want := range []string{svcAPI, svcInit, svcLoad} {
		if !slices.Contains(names, want) {
			t.Fatalf("service %q must be built from the Dockerfile (build: .); built services: %v", want, names)
		}
	}
	return names
}

// servicesOf returns the services whose image starts with prefix and, when
// cmd is not empty, whose command starts with cmd.
func servicesOf(c composeFile, prefix string, cmd ...string) []string {
	var names []string
	for name, s := range c.Services {
		if !strings.HasPrefix(s.Image, prefix) {
			continue
		}
		if len(cmd) > 0 && (len(s.Command) < len(cmd) || strings.Join(s.Command[:len(cmd)], " ") != strings.Join(cmd, " ")) {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// mustService returns the service called name, failing the test without it.
func mustService(t *testing.T, c composeFile, name string) service {
	t.Helper()
	s, ok := c.Services[name]
	if !ok {
		t.Fatalf("docker-compose.yml has no service %q", name)
	}
	return s
}

// resolved returns variable name of service svc interpolated with
// .env.example's values.
func resolved(t *testing.T, c composeFile, svc, name string) string {
	t.Helper()
	raw, ok := mustService(t, c, svc).Environment[name]
	if !ok {
		t.Fatalf("service %s does not set %s", svc, name)
	}
	v, err := expand(raw, envValues(t))
	if err != nil {
		t.Fatalf("service %s, %s: %v", svc, name, err)
	}
	return v
}

// beamVersion is the Beam Go SDK this module builds with, e.g. "2.77.0",
// from go.mod (a test binary carries no dependency list).
func beamVersion(t *testing.T) string {
	t.Helper()
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`(?m)^\s*(replace\s+)?github\.com/apache/beam/sdks/v2\s.*=>`).Match(gomod) {
		t.Fatal("go.mod replaces the Beam SDK: pin the images to the replacement's version by hand and adjust this test")
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/apache/beam/sdks/v2 v(\d+\.\d+\.\d+)\b`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod does not require github.com/apache/beam/sdks/v2")
	}
	return string(m[1])
}

func TestServicesHaveAnImage(t *testing.T) {
	c, _ := compose(t)
	for name, s := range c.Services {
		if s.Image == "" && s.Build == nil {
			t.Errorf("service %s has neither image nor build", name)
		}
		if s.Image != "" && s.Build == nil && (!strings.Contains(s.Image, ":") || strings.HasSuffix(s.Image, ":latest")) {
			t.Errorf("service %s: image %q must name a version tag, not latest", name, s.Image)
		}
	}
	for _, name := range []string{svcAPI, svcInit, svcLoad, svcNamenode, svcSecondary, svcMongo, svcMongoExpress, svcJobManager, svcJobServer} {
		mustService(t, c, name)
	}
}

// TestPublishedPorts checks the original's ports (spec §9, §10) and that
// each reaches the port its service really listens on.
func TestPublishedPorts(t *testing.T) {
	c, _ := compose(t)
	_, apiPort := hostPort(t, "server.DefaultAddr", server.DefaultAddr)
	_, nnHTTP := hostPort(t, "dfs.namenode.http-address", hdfsSite(t)["dfs.namenode.http-address"])
	restPort := flinkConfig(t)["rest.port"]
	jobPort := jobServerPort(t, c)
	want := []struct{ host, service, container, what string }{
		{"5000", svcAPI, apiPort, "server.DefaultAddr"},
		{"9870", svcNamenode, nnHTTP, "dfs.namenode.http-address"},
		{"8090", svcMongoExpress, "8081", "mongo-express's port"},
		{"8081", svcJobManager, restPort, "rest.port in deploy/flink/config.yaml"},
		{"8099", svcJobServer, jobPort, "the job server's --job-port"},
	}
	for _, w := range want {
		got, ok := mustService(t, c, w.service).published(w.host)
		if !ok {
			t.Errorf("host port %s: service %s does not publish it (ports %v)", w.host, w.service, mustService(t, c, w.service).Ports)
			continue
		}
		if got != w.container {
			t.Errorf("host port %s -> %s:%s, but %s is %s", w.host, w.service, got, w.what, w.container)
		}
	}
	owner := map[string]string{}
	for name, s := range c.Services {
		for _, p := range s.Ports {
			parts := strings.Split(p, ":")
			if len(parts) < 2 {
				t.Errorf("service %s publishes %q: give host:container", name, p)
				continue
			}
			h := parts[len(parts)-2]
			if other, dup := owner[h]; dup {
				t.Errorf("host port %s is published by both %s and %s", h, other, name)
			}
			owner[h] = name
		}
	}
}

func TestAPIService(t *testing.T) {
	c, _ := compose(t)
	api := mustService(t, c, svcAPI)
	if strings.Join(api.Command, " ") != "serve" {
		t.Errorf("service %s runs %v, want [serve]", svcAPI, api.Command)
	}
	_, port := hostPort(t, "server.DefaultAddr", server.DefaultAddr)
	if addr, ok := api.Environment["BEAMLINE_ADDR"]; ok {
		if _, p := hostPort(t, "BEAMLINE_ADDR", addr); p != port {
			t.Errorf("BEAMLINE_ADDR=%s but the published port is server.DefaultAddr's %s", addr, port)
		}
	}
	if !api.healthy() || strings.Join(api.Healthcheck.Test, " ") != "CMD beamline ping" {
		t.Errorf("service %s: healthcheck %v, want [CMD beamline ping]", svcAPI, api.Healthcheck)
	}
	for _, name := range []string{svcInit, svcLoad} {
		if got := strings.Join(mustService(t, c, name).Command, " "); !strings.HasPrefix(got, strings.TrimPrefix(name, "beamline-")) {
			t.Errorf("service %s runs %q, want beamline %s", name, got, strings.TrimPrefix(name, "beamline-"))
		}
	}
}

// TestHDFS checks that beamline, core-site.xml and the namenode agree on
// the namenode's address, and that the Hadoop containers really read the
// deploy/hadoop files.
func TestHDFS(t *testing.T) {
	c, _ := compose(t)
	core, site := coreSite(t), hdfsSite(t)
	defaultFS := core["fs.defaultFS"]
	u, err := url.Parse(defaultFS)
	if err != nil || u.Scheme != "hdfs" || u.Path != "" {
		t.Fatalf("fs.defaultFS = %q, want hdfs://host:port", defaultFS)
	}
	if u.Port() != hdfs.DefaultPort {
		t.Errorf("fs.defaultFS = %s: port %q, but internal/hdfs.DefaultPort is %s", defaultFS, u.Port(), hdfs.DefaultPort)
	}
	namenodes := servicesOf(c, "apache/hadoop:", "hdfs", "namenode")
	if len(namenodes) != 1 || u.Hostname() != namenodes[0] {
		t.Errorf("fs.defaultFS names host %q, but the services running `hdfs namenode` are %v", u.Hostname(), namenodes)
	}
	for _, name := range beamlineServices(t, c) {
		if got := resolved(t, c, name, "BEAMLINE_HDFS"); got != defaultFS {
			t.Errorf("service %s: BEAMLINE_HDFS=%s, want fs.defaultFS %s", name, got, defaultFS)
		}
	}

	hadoop := servicesOf(c, "apache/hadoop:")
	for _, name := range hadoop {
		s := c.Services[name]
		for _, file := range []string{"core-site.xml", "hdfs-site.xml"} {
			src, ro, ok := s.mount("/opt/hadoop/etc/hadoop/" + file)
			if !ok || filepath.Clean(src) != filepath.Join("deploy", "hadoop", file) || !ro {
				t.Errorf("service %s must mount ./deploy/hadoop/%s read-only at /opt/hadoop/etc/hadoop/%s (got %q, ro=%v)", name, file, file, src, ro)
			}
		}
		for _, v := range s.Volumes {
			if parts := strings.Split(v, ":"); len(parts) > 1 && strings.TrimSuffix(parts[1], "/") == "/opt/hadoop/etc/hadoop" {
				t.Errorf("service %s mounts %s over the whole etc/hadoop: it hides hadoop-env.sh and log4j.properties (spec §11.27)", name, parts[0])
			}
		}
		for k := range s.Environment {
			if strings.Contains(strings.ToUpper(k), ".XML_") {
				t.Errorf("service %s sets %s: the image would write a *-site.xml from it; configure HDFS in deploy/hadoop only", name, k)
			}
		}
	}

	// Storage: every folder on the service's own named volume, and the
	// namenode formatted on first start into the folder it reads.
	dir := func(prop string) string {
		v := site[prop]
		p := strings.TrimPrefix(v, "file://")
		if !strings.HasPrefix(p, "/") {
			t.Errorf("%s = %q: want an absolute file:// path", prop, v)
		}
		return p
	}
	onVolume := func(svc, prop string) {
		path := dir(prop)
		if _, _, ok := c.Services[svc].mountUnder(path); !ok {
			t.Errorf("service %s keeps %s (%s) outside its named volumes %v: it would be lost with the container", svc, prop, path, c.Services[svc].Volumes)
		}
	}
	nameDir := dir("dfs.namenode.name.dir")
	for _, nn := range namenodes {
		onVolume(nn, "dfs.namenode.name.dir")
		if got := c.Services[nn].Environment["ENSURE_NAMENODE_DIR"]; got != nameDir {
			t.Errorf("service %s: ENSURE_NAMENODE_DIR=%q, want dfs.namenode.name.dir %q (the image formats that folder on first start)", nn, got, nameDir)
		}
		if _, target, _ := c.Services[nn].mountUnder(nameDir); target == nameDir {
			t.Errorf("service %s mounts its volume at %s itself: the folder then exists on first start and is never formatted", nn, nameDir)
		}
	}
	for _, sn := range servicesOf(c, "apache/hadoop:", "hdfs", "secondarynamenode") {
		onVolume(sn, "dfs.namenode.checkpoint.dir")
	}
	datanodes := servicesOf(c, "apache/hadoop:", "hdfs", "datanode")
	for _, dn := range datanodes {
		onVolume(dn, "dfs.datanode.data.dir")
	}
	repl, err := strconv.Atoi(site["dfs.replication"])
	if err != nil || repl < 1 || repl > len(datanodes) {
		t.Errorf("dfs.replication = %q with %d datanodes %v: want 1..%d", site["dfs.replication"], len(datanodes), datanodes, len(datanodes))
	}
	if len(datanodes) != 3 {
		t.Errorf("datanodes %v: the cluster has three", datanodes)
	}
	if len(servicesOf(c, "apache/hadoop:", "hdfs", "secondarynamenode")) != 1 {
		t.Error("no service runs `hdfs secondarynamenode`")
	}
}

// TestMongo checks beamline's MONGODB_URI against the mongodb service and
// mongostore's default database.
func TestMongo(t *testing.T) {
	c, _ := compose(t)
	vars := envValues(t)
	mongo := mustService(t, c, svcMongo)
	if !strings.HasPrefix(mongo.Image, "mongo:7") {
		t.Errorf("service %s runs %s, want MongoDB 7 (mongo:7...)", svcMongo, mongo.Image)
	}
	if got := mongo.Environment["MONGO_INITDB_DATABASE"]; got != mongostore.DefaultDatabase {
		t.Errorf("MONGO_INITDB_DATABASE=%q, want mongostore.DefaultDatabase %q", got, mongostore.DefaultDatabase)
	}
	var uri string
	for _, name := range beamlineServices(t, c) {
		got := resolved(t, c, name, mongostore.EnvURI)
		if uri != "" && got != uri {
			t.Errorf("service %s: %s differs from the other beamline services", name, mongostore.EnvURI)
		}
		uri = got
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "mongodb" {
		t.Fatalf("%s does not parse as mongodb://...: %v", mongostore.EnvURI, err)
	}
	host, port := u.Hostname(), u.Port()
	if host != svcMongo || port != "27017" {
		t.Errorf("%s points at %s:%s, want the %s service on 27017", mongostore.EnvURI, host, port, svcMongo)
	}
	if db := strings.TrimPrefix(u.Path, "/"); db != mongostore.DefaultDatabase {
		t.Errorf("%s uses database %q, want mongostore.DefaultDatabase %q", mongostore.EnvURI, db, mongostore.DefaultDatabase)
	}
	pass, _ := u.User.Password()
	if u.User.Username() != vars["BEAMLINE_MONGO_USER"] || pass != vars["BEAMLINE_MONGO_PASSWORD"] {
		t.Errorf("%s authenticates as %q, want beamline's own user BEAMLINE_MONGO_USER", mongostore.EnvURI, u.User.Username())
	}
	// The user the URI names is the one the init script creates, from the
	// same variables, in the same database.
	for _, v := range []string{"BEAMLINE_MONGO_USER", "BEAMLINE_MONGO_PASSWORD"} {
		got, err := expand(mongo.Environment[v], vars)
		if err != nil || got != vars[v] {
			t.Errorf("service %s must pass %s from .env to its init script (got %q, %v)", svcMongo, v, mongo.Environment[v], err)
		}
	}
	src, ro, ok := mongo.mount("/docker-entrypoint-initdb.d/init-beamline-user.js")
	if !ok || filepath.Clean(src) != filepath.Join("deploy", "mongo", "init-beamline-user.js") || !ro {
		t.Fatalf("service %s must mount ./deploy/mongo/init-beamline-user.js read-only in /docker-entrypoint-initdb.d", svcMongo)
	}
	script, err := os.ReadFile(filepath.Join(root, src))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "getSiblingDB('"+mongostore.DefaultDatabase+"')") {
		t.Errorf("%s must create the user in database %q", src, mongostore.DefaultDatabase)
	}
	me := mustService(t, c, svcMongoExpress)
	meURI, err := expand(me.Environment["ME_CONFIG_MONGODB_URL"], vars)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := url.Parse(meURI); err != nil || u.Hostname() != svcMongo {
		t.Errorf("mongo-express's ME_CONFIG_MONGODB_URL must point at %s: %q", svcMongo, meURI)
	}
}

// jobServerPort is the port the Beam job server listens on: --job-port,
// 8099 when absent (Beam's JobServerDriver default).
func jobServerPort(t *testing.T, c composeFile) string {
	t.Helper()
	if p, ok := flagValue(mustService(t, c, svcJobServer).Command, "--job-port"); ok {
		return p
	}
	return "8099"
}

// TestFlink checks the job server, the Flink services and
// deploy/flink/config.yaml against each other and against the Beam version
// the pipelines are built with.
func TestFlink(t *testing.T) {
	c, _ := compose(t)
	conf := flinkConfig(t)
	beam := beamVersion(t)

	js := mustService(t, c, svcJobServer)
	m := regexp.MustCompile(`^apache/beam_flink(\d+\.\d+)_job_server:(.+)$`).FindStringSubmatch(js.Image)
	if m == nil {
		t.Fatalf("service %s runs %s, want apache/beam_flink<flink version>_job_server:<beam version>", svcJobServer, js.Image)
	}
	flinkMinor, jsBeam := m[1], m[2]
	if jsBeam != beam {
		t.Errorf("job server %s is Beam %s, but the pipelines are built with Beam %s", js.Image, jsBeam, beam)
	}
	flinkServices := servicesOf(c, "flink:")
	if len(flinkServices) == 0 {
		t.Fatal("no service runs a flink: image")
	}
	for _, name := range flinkServices {
		if tag := strings.TrimPrefix(c.Services[name].Image, "flink:"); !strings.HasPrefix(tag, flinkMinor+".") {
			t.Errorf("service %s runs Flink %s, but the job server is built for Flink %s", name, tag, flinkMinor)
		}
	}

	// Where the job server submits, and what it tells clients.
	master, _ := flagValue(js.Command, "--flink-master")
	if h, p := hostPort(t, "--flink-master", master); h != svcJobManager || p != conf["rest.port"] {
		t.Errorf("--flink-master=%s, want %s:%s (rest.port)", master, svcJobManager, conf["rest.port"])
	}
	if h, _ := flagValue(js.Command, "--job-host"); h != svcJobServer {
		t.Errorf("--job-host=%q, want %q: clients stage artifacts at <job-host>:<artifact-port>, which must resolve on the network", h, svcJobServer)
	}
	for _, name := range beamlineServices(t, c) {
		ep := resolved(t, c, name, "BEAMLINE_JOB_ENDPOINT")
		if h, p := hostPort(t, "BEAMLINE_JOB_ENDPOINT", ep); h != svcJobServer || p != jobServerPort(t, c) || p != "8099" {
			t.Errorf("service %s: BEAMLINE_JOB_ENDPOINT=%s, want %s:8099", name, ep, svcJobServer)
		}
	}

	// Artifacts: staged by the job server, read by the taskmanagers at the
	// same path (the staged locations are absolute paths).
	dir, ok := flagValue(js.Command, "--artifacts-dir")
	if !ok {
		t.Fatal("the job server needs --artifacts-dir on a volume the taskmanagers share")
	}
	vol, target, ok := js.mountUnder(dir)
	if !ok {
		t.Fatalf("--artifacts-dir=%s is not on a named volume of %s", dir, svcJobServer)
	}
	taskmanagers := servicesOf(c, "flink:", "taskmanager")
	if len(taskmanagers) != 2 {
		t.Errorf("taskmanagers %v: the cluster has two", taskmanagers)
	}
	for _, tm := range taskmanagers {
		if src, _, ok := c.Services[tm].mount(target); !ok || src != vol {
			t.Errorf("taskmanager %s must mount volume %s at %s, where the job server stages artifacts", tm, vol, target)
		}
	}

	// The configuration file every Flink container copies in place, and the
	// address the image's entrypoint writes over it.
	if got := conf["jobmanager.rpc.address"]; got != svcJobManager {
		t.Errorf("config.yaml: jobmanager.rpc.address = %q, want %q", got, svcJobManager)
	}
	if got := conf["rest.address"]; got != svcJobManager {
		t.Errorf("config.yaml: rest.address = %q, want %q", got, svcJobManager)
	}
	for _, name := range flinkServices {
		s := c.Services[name]
		if got := s.Environment["JOB_MANAGER_RPC_ADDRESS"]; got != conf["jobmanager.rpc.address"] {
			t.Errorf("service %s: JOB_MANAGER_RPC_ADDRESS=%q; the entrypoint writes it over jobmanager.rpc.address (%q), so they must agree", name, got, conf["jobmanager.rpc.address"])
		}
		src, ro, ok := s.mount("/opt/beamline/flink")
		if !ok || filepath.Clean(src) != filepath.Join("deploy", "flink") || !ro {
			t.Errorf("service %s must mount ./deploy/flink read-only at /opt/beamline/flink", name)
		}
		script := strings.Join(s.Entrypoint, " ")
		if !strings.Contains(script, "cp /opt/beamline/flink/config.yaml ") || !strings.Contains(script, "/conf/config.yaml") || !strings.Contains(script, "exec /docker-entrypoint.sh") {
			t.Errorf("service %s: entrypoint %q must copy /opt/beamline/flink/config.yaml to conf/config.yaml, then exec /docker-entrypoint.sh", name, script)
		}
	}
	if got := servicesOf(c, "flink:", "jobmanager"); len(got) != 1 || got[0] != svcJobManager {
		t.Errorf("services running the jobmanager: %v, want [%s]", got, svcJobManager)
	}
	slots, err1 := strconv.Atoi(conf["taskmanager.numberOfTaskSlots"])
	par, err2 := strconv.Atoi(conf["parallelism.default"])
	if err1 != nil || err2 != nil || par < 1 || par > slots*len(taskmanagers) {
		t.Errorf("parallelism.default %q needs more than the %q slots x %d taskmanagers", conf["parallelism.default"], conf["taskmanager.numberOfTaskSlots"], len(taskmanagers))
	}
}

// TestWorkerPools checks the Go SDK harnesses beside the taskmanagers: the
// EXTERNAL environment beamline submits with (runners.DefaultWorkerPool)
// must reach a pool from inside every taskmanager.
func TestWorkerPools(t *testing.T) {
	c, _ := compose(t)
	host, port := hostPort(t, "runners.DefaultWorkerPool", runners.DefaultWorkerPool)
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		t.Errorf("runners.DefaultWorkerPool = %s: the pool shares the taskmanager's network, so the host must be localhost", runners.DefaultWorkerPool)
	}
	// The Go SDK's boot (sdks/go/container/boot.go) serves --worker_pool on
	// port 50000, fixed.
	if port != "50000" {
		t.Errorf("runners.DefaultWorkerPool = %s, but the Go SDK worker pool listens on 50000", runners.DefaultWorkerPool)
	}
	beam := beamVersion(t)
	pools := servicesOf(c, "apache/beam_go_sdk:")
	taskmanagers := servicesOf(c, "flink:", "taskmanager")
	served := map[string]string{}
	for _, name := range pools {
		s := c.Services[name]
		if tag := strings.TrimPrefix(s.Image, "apache/beam_go_sdk:"); tag != beam {
			t.Errorf("service %s runs the Go SDK %s, but the pipelines are built with Beam %s", name, tag, beam)
		}
		if !slices.Contains(s.Command, "--worker_pool") {
			t.Errorf("service %s runs %v, want --worker_pool", name, s.Command)
		}
		tm, ok := strings.CutPrefix(s.NetworkMode, "service:")
		if !ok || !slices.Contains(taskmanagers, tm) {
			t.Errorf("service %s: network_mode %q, want service:<taskmanager> (one of %v)", name, s.NetworkMode, taskmanagers)
			continue
		}
		if other, dup := served[tm]; dup {
			t.Errorf("taskmanager %s has two worker pools (%s, %s) on the same port", tm, other, name)
		}
		served[tm] = name
		if _, ok := s.DependsOn[tm]; !ok {
			t.Errorf("service %s shares %s's network but does not depend on it", name, tm)
		}
		if got, want := s.Environment["HADOOP_USER_NAME"], mustService(t, c, svcAPI).Environment["HADOOP_USER_NAME"]; got != want {
			t.Errorf("service %s: HADOOP_USER_NAME=%q, want beamline's %q (workers write the HDFS outputs)", name, got, want)
		}
	}
	for _, tm := range taskmanagers {
		if _, ok := served[tm]; !ok {
			t.Errorf("taskmanager %s has no worker pool: %s would reach nothing there", tm, runners.DefaultWorkerPool)
		}
	}
}

// TestStartOrder checks the depends_on graph: targets exist, waits on health
// have a healthcheck to wait for, waits on completion are one-shots, and the
// one-shot jobs run after what they need.
func TestStartOrder(t *testing.T) {
	c, _ := compose(t)
	for name, s := range c.Services {
		for dep, cond := range s.DependsOn {
			target, ok := c.Services[dep]
			if !ok {
				t.Errorf("service %s depends on %s, which does not exist", name, dep)
				continue
			}
			switch cond {
			case "service_started":
			case "service_healthy":
				if !target.healthy() {
					t.Errorf("service %s waits for %s to be healthy, but %s has no healthcheck", name, dep, dep)
				}
			case "service_completed_successfully":
				if target.Restart != "no" && target.Restart != "" {
					t.Errorf("service %s waits for %s to complete, but %s restarts (%s)", name, dep, dep, target.Restart)
				}
			default:
				t.Errorf("service %s depends on %s with condition %q", name, dep, cond)
			}
		}
		if mode, ok := strings.CutPrefix(s.NetworkMode, "service:"); ok {
			if _, dep := s.DependsOn[mode]; !dep {
				t.Errorf("service %s uses %s's network but does not depend on it", name, mode)
			}
		}
		oneShot := name == svcInit || name == svcLoad
		if !oneShot && s.Restart != "unless-stopped" && s.Restart != "always" {
			t.Errorf("service %s: restart %q, want unless-stopped", name, s.Restart)
		}
		if oneShot && s.Restart != "no" {
			t.Errorf("one-shot service %s: restart %q, want \"no\"", name, s.Restart)
		}
		if !oneShot && !s.healthy() && !strings.HasPrefix(s.Image, "apache/beam_go_sdk:") {
			t.Errorf("service %s has no healthcheck", name)
		}
	}
	// No cycles.
	state := map[string]int{}
	var visit func(string, []string)
	visit = func(n string, path []string) {
		switch state[n] {
		case 1:
			t.Errorf("depends_on cycle: %s", strings.Join(append(path, n), " -> "))
			return
		case 2:
			return
		}
		state[n] = 1
		for dep := range c.Services[n].DependsOn {
			visit(dep, append(path, n))
		}
		state[n] = 2
	}
	for name := range c.Services {
		visit(name, nil)
	}

	need := func(svc, dep, cond string) {
		if got := c.Services[svc].DependsOn[dep]; got != cond {
			t.Errorf("service %s must depend on %s with %s (got %q)", svc, dep, cond, got)
		}
	}
	need(svcInit, svcNamenode, "service_healthy")
	need(svcInit, svcMongo, "service_healthy")
	need(svcLoad, svcInit, "service_completed_successfully")
	for _, dn := range servicesOf(c, "apache/hadoop:", "hdfs", "datanode") {
		need(svcLoad, dn, "service_healthy")
	}
	need(svcAPI, svcLoad, "service_completed_successfully")
	need(svcAPI, svcMongo, "service_healthy")
	need(svcJobServer, svcJobManager, "service_healthy")
	need(svcMongoExpress, svcMongo, "service_healthy")
}

// secretName matches the variables holding credentials.
var secretName = regexp.MustCompile(`(?i)(PASSWORD|PASS|USER|USERNAME|SECRET|TOKEN|KEY)(_|$)`)

// onlyRefs matches a value made of ${...} references only; refUserinfo the
// user:password of a URL made of two of them.
var (
	onlyRefs    = regexp.MustCompile(`^(\$\{[^}]+\})+$`)
	refUserinfo = regexp.MustCompile(`^\$\{[^}]+\}(:\$\{[^}]+\})?$`)
	passwordVar = regexp.MustCompile(`(?i)(PASSWORD|SECRET)`)
)

// TestNoCredentialsInCompose checks that every credential in the compose
// file comes from .env: user and password values, and the user part of
// every URL, are ${VAR} substitutions; passwords are required (:?), so
// compose refuses to start without them; and no value of .env.example is
// written anywhere else.
func TestNoCredentialsInCompose(t *testing.T) {
	c, _ := compose(t)
	for name, s := range c.Services {
		for k, v := range s.Environment {
			if secretName.MatchString(k) && !onlyRefs.MatchString(v) {
				t.Errorf("service %s: %s=%q is a literal; write ${VAR} and set VAR in .env", name, k, v)
			}
			if i := strings.Index(v, "://"); i >= 0 {
				if at := strings.LastIndex(v, "@"); at > i {
					if userinfo := v[i+3 : at]; !refUserinfo.MatchString(userinfo) {
						t.Errorf("service %s: %s carries literal credentials %q; use ${USER}:${PASSWORD}", name, k, userinfo)
					}
				}
			}
			rs, err := refs(v)
			if err != nil {
				t.Errorf("service %s, %s: %v", name, k, err)
			}
			for _, r := range rs {
				if passwordVar.MatchString(r.Name) && r.Op != ":?" {
					t.Errorf("service %s, %s: write ${%s:?...}: compose must refuse to start without it", name, k, r.Name)
				}
			}
		}
	}
	for _, v := range envExample(t) {
		if !passwordVar.MatchString(v.Name) {
			continue
		}
		for _, file := range []string{"docker-compose.yml", "Dockerfile", "deploy/hadoop/core-site.xml", "deploy/hadoop/hdfs-site.xml", "deploy/flink/config.yaml", "deploy/mongo/init-beamline-user.js"} {
			b, err := os.ReadFile(filepath.Join(root, file))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), v.Value) {
				t.Errorf("%s contains %s's value from .env.example", file, v.Name)
			}
		}
	}
}

// TestEnvExample checks .env.example against the compose file: every
// variable the compose file uses is documented there with a placeholder,
// and every one documented there is used.
func TestEnvExample(t *testing.T) {
	_, doc := compose(t)
	used := map[string]bool{}
	scalars(doc, func(n *yaml.Node) {
		rs, err := refs(n.Value)
		if err != nil {
			t.Errorf("docker-compose.yml:%d: %v", n.Line, err)
		}
		for _, r := range rs {
			used[r.Name] = true
		}
	})
	documented := map[string]bool{}
	for _, v := range envExample(t) {
		documented[v.Name] = true
		if v.Value == "" {
			t.Errorf(".env.example:%d: %s has no placeholder value", v.Line, v.Name)
		}
		if passwordVar.MatchString(v.Name) {
			if !strings.Contains(v.Value, "change-me") {
				t.Errorf(".env.example:%d: %s must be an obvious placeholder (change-me...), not a usable password", v.Line, v.Name)
			}
			if !regexp.MustCompile(`^[A-Za-z0-9._~-]+$`).MatchString(v.Value) {
				t.Errorf(".env.example:%d: %s goes into mongodb:// URIs unescaped; keep to letters, digits and - . _ ~", v.Line, v.Name)
			}
		}
		if !used[v.Name] && !strings.HasPrefix(v.Name, "COMPOSE_") {
			t.Errorf(".env.example:%d: %s is not used by docker-compose.yml", v.Line, v.Name)
		}
	}
	for name := range used {
		if !documented[name] {
			t.Errorf("docker-compose.yml uses ${%s}, which .env.example does not document", name)
		}
	}
	// .env itself must never be committed.
	gitignore, err := os.ReadFile(filepath.Join(root, ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^/?\.env$`).Match(gitignore) {
		t.Error(".gitignore must ignore .env")
	}
}

// TestDockerComposeConfig has docker-compose itself validate the file with
// .env.example's values, and refuse it without a password. CI installs
// Debian's docker-compose; elsewhere the test is skipped when it is absent.
func TestDockerComposeConfig(t *testing.T) {
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("docker-compose is not installed (apt-get install docker-compose); the file's structure is still checked by the other tests")
	}
	dir, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	run := func(vars []envVar, args ...string) (string, error) {
		tmp := t.TempDir()
		var b strings.Builder
		for _, v := range vars {
			b.WriteString(v.Name + "=" + v.Value + "\n")
		}
		envFile := filepath.Join(tmp, "env")
		if err := os.WriteFile(envFile, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, append([]string{"--project-directory", dir, "--env-file", envFile,
			"-f", filepath.Join(dir, "docker-compose.yml")}, args...)...)
		// Only the env file: variables of the developer's shell must not
		// stand in for ones .env.example lacks.
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	vars := envExample(t)
	if out, err := run(vars, "config", "-q"); err != nil {
		t.Fatalf("docker-compose config -q with .env.example: %v\n%s", err, out)
	}

	// Compose's own reading (anchors, merges) sees the services this
	// package's checks saw.
	out, err := run(vars, "config")
	if err != nil {
		t.Fatalf("docker-compose config: %v\n%s", err, out)
	}
	var resolvedFile struct {
		Services map[string]struct {
			Image       string `yaml:"image"`
			NetworkMode string `yaml:"network_mode"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal([]byte(out), &resolvedFile); err != nil {
		t.Fatalf("docker-compose config output: %v", err)
	}
	c, _ := compose(t)
	if len(resolvedFile.Services) != len(c.Services) {
		t.Errorf("docker-compose sees %d services, this test %d", len(resolvedFile.Services), len(c.Services))
	}
	for name, s := range c.Services {
		r, ok := resolvedFile.Services[name]
		if !ok || r.Image != s.Image || r.NetworkMode != s.NetworkMode && s.NetworkMode != "" {
			t.Errorf("service %s: docker-compose sees image %q network %q, this test %q %q", name, r.Image, r.NetworkMode, s.Image, s.NetworkMode)
		}
	}

	// Without a password, compose must refuse.
	var missing []envVar
	for _, v := range vars {
		if v.Name != "MONGO_ROOT_PASSWORD" {
			missing = append(missing, v)
		}
	}
	out, err = run(missing, "config", "-q")
	if err == nil {
		t.Fatal("docker-compose config accepted the file without MONGO_ROOT_PASSWORD")
	}
	if !strings.Contains(out, "MONGO_ROOT_PASSWORD") {
		t.Errorf("docker-compose's refusal does not name MONGO_ROOT_PASSWORD:\n%s", out)
	}
}
