package deploy

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/beamline/beamline/server"
)

// Hadoop property names the deploy files may use, copied from Hadoop 3.4's
// core-default.xml and hdfs-default.xml. Hadoop ignores a misspelt name
// without a word, so a name is added here only after checking it there.
var (
	coreProperties = map[string]bool{
		"fs.defaultFS":   true,
		"hadoop.tmp.dir": true,
	}
	hdfsProperties = map[string]bool{
		"dfs.replication":                                      true,
		"dfs.blocksize":                                        true,
		"dfs.namenode.name.dir":                                true,
		"dfs.namenode.checkpoint.dir":                          true,
		"dfs.datanode.data.dir":                                true,
		"dfs.namenode.rpc-bind-host":                           true,
		"dfs.namenode.http-address":                            true,
		"dfs.namenode.secondary.http-address":                  true,
		"dfs.webhdfs.enabled":                                  true,
		"dfs.permissions.enabled":                              true,
		"dfs.namenode.datanode.registration.ip-hostname-check": true,
	}
	// Flink 1.20 options (Flink's "Configuration" reference), for the same reason.
	flinkOptions = map[string]bool{
		"jobmanager.rpc.address":              true,
		"jobmanager.rpc.port":                 true,
		"jobmanager.bind-host":                true,
		"jobmanager.memory.process.size":      true,
		"taskmanager.bind-host":               true,
		"taskmanager.rpc.port":                true,
		"taskmanager.numberOfTaskSlots":       true,
		"taskmanager.memory.process.size":     true,
		"taskmanager.memory.network.fraction": true,
		"taskmanager.memory.network.max":      true,
		"parallelism.default":                 true,
		"rest.address":                        true,
		"rest.bind-address":                   true,
		"rest.port":                           true,
		"blob.server.port":                    true,
		"query.server.port":                   true,
	}
)

// hadoopFile reads deploy/hadoop/<file>, checks its names against known and
// the required ones, and returns name -> value.
func hadoopFile(t *testing.T, file string, known map[string]bool, required ...string) map[string]string {
	t.Helper()
	path := filepath.Join(root, "deploy", "hadoop", file)
	props, err := readHadoopXML(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range props {
		if !known[p.Name] {
			t.Errorf("%s:%d: %q is not a %s property this package knows (see the list in files_test.go)", path, p.Line, p.Name, file)
		}
		if _, dup := out[p.Name]; dup {
			t.Errorf("%s:%d: %s is set twice", path, p.Line, p.Name)
		}
		out[p.Name] = p.Value
	}
	for _, name := range required {
		if out[name] == "" {
			t.Errorf("%s: no %s", path, name)
		}
	}
	return out
}

func coreSite(t *testing.T) map[string]string {
	t.Helper()
	return hadoopFile(t, "core-site.xml", coreProperties, "fs.defaultFS")
}

func hdfsSite(t *testing.T) map[string]string {
	t.Helper()
	return hadoopFile(t, "hdfs-site.xml", hdfsProperties, "dfs.replication", "dfs.namenode.name.dir",
		"dfs.namenode.checkpoint.dir", "dfs.datanode.data.dir", "dfs.namenode.http-address",
		"dfs.namenode.secondary.http-address", "dfs.webhdfs.enabled", "dfs.permissions.enabled")
}

// flinkConfig reads deploy/flink/config.yaml (Flink's standard YAML, nested
// or flat keys) as flat key -> value.
func flinkConfig(t *testing.T) map[string]string {
	t.Helper()
	path := filepath.Join(root, "deploy", "flink", "config.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := yaml.Unmarshal(b, &tree); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]string{}
	var flatten func(prefix string, m map[string]any)
	flatten = func(prefix string, m map[string]any) {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok {
				flatten(prefix+k+".", sub)
				continue
			}
			out[prefix+k] = fmt.Sprint(v)
		}
	}
	flatten("", tree)
	for k := range out {
		if !flinkOptions[k] {
			t.Errorf("%s: %q is not a Flink option this package knows (see the list in files_test.go)", path, k)
		}
	}
	return out
}

func TestHadoopFiles(t *testing.T) {
	core, site := coreSite(t), hdfsSite(t)
	if site["dfs.webhdfs.enabled"] != "true" {
		t.Errorf("dfs.webhdfs.enabled = %q, want true (the NameNode UI browses files through it)", site["dfs.webhdfs.enabled"])
	}
	if site["dfs.permissions.enabled"] != "true" {
		t.Errorf("dfs.permissions.enabled = %q: keep permissions on", site["dfs.permissions.enabled"])
	}
	if core["fs.defaultFS"] == "" {
		t.Error("core-site.xml has no fs.defaultFS")
	}
}

// TestHadoopXMLReaderRejectsTheOriginalsTags makes sure the strict reader
// catches the original's bug (spec §11.26): <n> instead of <name>.
func TestHadoopXMLReaderRejectsTheOriginalsTags(t *testing.T) {
	for name, body := range map[string]string{
		"<n> tag":         `<configuration><property><n>dfs.replication</n><value>2</value></property></configuration>`,
		"no value":        `<configuration><property><name>dfs.replication</name></property></configuration>`,
		"stray element":   `<configuration><prop><name>a</name><value>b</value></prop></configuration>`,
		"wrong root":      `<conf><property><name>a</name><value>b</value></property></conf>`,
		"two names":       `<configuration><property><name>a</name><name>b</name><value>c</value></property></configuration>`,
		"no property":     `<configuration></configuration>`,
		"text in a place": `<configuration>oops<property><name>a</name><value>b</value></property></configuration>`,
	} {
		path := filepath.Join(t.TempDir(), "site.xml")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readHadoopXML(path); err == nil {
			t.Errorf("%s: accepted %s", name, body)
		}
	}
	path := filepath.Join(t.TempDir(), "site.xml")
	good := `<?xml version="1.0"?><!-- c --><configuration><property><name>a</name><value>b</value><description>d</description></property></configuration>`
	if err := os.WriteFile(path, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	if props, err := readHadoopXML(path); err != nil || len(props) != 1 || props[0].Name != "a" || props[0].Value != "b" {
		t.Errorf("a valid file read as %v, %v", props, err)
	}
}

func TestInterpolate(t *testing.T) {
	vars := map[string]string{"A": "x", "E": ""}
	for in, want := range map[string]string{
		"${A}":         "x",
		"${A:?msg}":    "x",
		"${B:-d}":      "d",
		"${E:-d}":      "d",
		"${E-d}":       "",
		"${B-d}":       "d",
		"$$(hostname)": "$(hostname)",
		"a${A}b${A}c":  "axbxc",
	} {
		if got, err := expand(in, vars); err != nil || got != want {
			t.Errorf("expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"${B:?required}", "${E:?required}", "${B?required}", "$A", "${A", "${1A}", "cost: 5$"} {
		if got, err := expand(in, vars); err == nil {
			t.Errorf("expand(%q) = %q, want an error", in, got)
		}
	}
}

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	Stage   int // index of the FROM it belongs to
	Keyword string
	Args    string
	Line    int
}

func readDockerfile(t *testing.T) []instruction {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		out   []instruction
		stage = -1
		cur   strings.Builder
		start int
	)
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (text == "" || strings.HasPrefix(text, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = line
		}
		if strings.HasPrefix(text, "#") {
			continue // a comment inside a continued instruction
		}
		if cont, ok := strings.CutSuffix(text, `\`); ok {
			cur.WriteString(cont + " ")
			continue
		}
		cur.WriteString(text)
		keyword, args, _ := strings.Cut(cur.String(), " ")
		keyword = strings.ToUpper(keyword)
		if keyword == "FROM" {
			stage++
		}
		out = append(out, instruction{Stage: stage, Keyword: keyword, Args: strings.Join(strings.Fields(args), " "), Line: start})
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDockerfile checks the image against the code: every pipeline binary
// built static beside beamline, the dashboard built before the Go build
// embeds it, the Go version of go.mod, a non-root runtime, the API's port
// and the healthcheck.
func TestDockerfile(t *testing.T) {
	ins := readDockerfile(t)
	find := func(stage int, keyword, contains string) (instruction, bool) {
		for _, i := range ins {
			if (stage < 0 || i.Stage == stage) && i.Keyword == keyword && strings.Contains(i.Args, contains) {
				return i, true
			}
		}
		return instruction{}, false
	}
	stages := map[string]int{}
	final := -1
	var finalFrom string
	for _, i := range ins {
		if i.Keyword == "FROM" {
			f := strings.Fields(i.Args)
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				stages[f[2]] = i.Stage
			}
			final, finalFrom = i.Stage, f[0]
		}
	}

	// The Go build.
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	from, ok := find(-1, "FROM", "golang:"+string(m[1])+" ")
	if !ok {
		t.Fatalf("no build stage FROM golang:%s AS <name> (go.mod says go %s)", m[1], m[1])
	}
	build := from.Stage
	if _, ok := find(build, "ENV", "CGO_ENABLED=0"); !ok {
		t.Error("the Go stage must set ENV CGO_ENABLED=0: the runtime image has no C library")
	}
	goBuild, ok := find(build, "RUN", "go build")
	if !ok {
		t.Fatal("the Go stage has no RUN go build")
	}
	pkgs := []string{"./cmd/beamline"}
	entries, err := os.ReadDir(filepath.Join(root, "pipelines"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(root, "pipelines", e.Name(), "main.go")); e.IsDir() && err == nil {
			pkgs = append(pkgs, "./pipelines/"+e.Name())
		}
	}
	sort.Strings(pkgs)
	built := strings.Fields(goBuild.Args)
	for _, p := range pkgs {
		if !slices.Contains(built, p) {
			t.Errorf("Dockerfile:%d: go build does not build %s (beamline runs every pipeline binary found beside it)", goBuild.Line, p)
		}
	}
	out, ok := flagValue(built, "-o")
	if !ok || !strings.HasSuffix(out, "/") {
		t.Fatalf("Dockerfile:%d: go build needs -o <dir>/ so that every binary lands in one folder", goBuild.Line)
	}

	// The dashboard: built in its own stage, copied before go build.
	web, ok := stages["web"]
	if !ok {
		t.Fatal("no stage named web builds the dashboard")
	}
	if i, ok := find(web, "RUN", "npm ci"); !ok || !strings.Contains(i.Args, "npm run build") || !strings.Contains(i.Args, "package.json") {
		t.Error("the web stage must run npm ci && npm run build when web/package.json exists")
	}
	dist, ok := find(build, "COPY", "--from=web")
	if !ok || !strings.Contains(dist.Args, "web/dist") {
		t.Fatal("the Go stage must COPY --from=web the built web/dist")
	}
	if dist.Line > goBuild.Line {
		t.Errorf("Dockerfile:%d: web/dist is copied after go build (line %d) embeds it", dist.Line, goBuild.Line)
	}

	// The runtime.
	if final == build || final == web {
		t.Fatal("the last stage must be the runtime image, not a build stage")
	}
	bins, ok := find(final, "COPY", "--from=")
	if !ok || !strings.Contains(bins.Args, out) || !strings.HasSuffix(bins.Args, "/usr/local/bin/") {
		t.Errorf("the runtime must COPY the binaries of %s into /usr/local/bin/", out)
	}
	user, hasUser := find(final, "USER", "")
	if !strings.HasSuffix(finalFrom, ":nonroot") && !hasUser || hasUser && regexp.MustCompile(`^(root|0)(:|$)`).MatchString(user.Args) {
		t.Errorf("the runtime (FROM %s) must run as a non-root user", finalFrom)
	}
	for _, d := range []string{"input", "mongo"} {
		if _, ok := find(final, "COPY", "data/"+d+"/ /opt/beamline/data/"+d+"/"); !ok {
			t.Errorf("the runtime must COPY data/%s/ to /opt/beamline/data/%s/", d, d)
		}
	}
	// beamline's relative defaults (.beamline, logs/) would land in the
	// read-only working directory.
	for _, v := range []string{"BEAMLINE_WORKDIR=/", "BEAMLINE_LOG_FILE=/"} {
		if _, ok := find(final, "ENV", v); !ok {
			t.Errorf("the runtime must set ENV %s<a folder nonroot can write>", v)
		}
	}
	_, port := hostPort(t, "server.DefaultAddr", server.DefaultAddr)
	if i, ok := find(final, "EXPOSE", ""); !ok || i.Args != port {
		t.Errorf("EXPOSE %q, want server.DefaultAddr's port %s", i.Args, port)
	}
	if _, ok := find(final, "HEALTHCHECK", `CMD ["beamline", "ping"]`); !ok {
		t.Error(`the runtime needs HEALTHCHECK ... CMD ["beamline", "ping"] (the image has no curl)`)
	}
	if _, ok := find(final, "ENTRYPOINT", `["beamline"]`); !ok {
		t.Error(`the runtime's ENTRYPOINT must be ["beamline"]: the compose services give only the subcommand`)
	}
}

func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			have[strings.Trim(l, "/")] = true
		}
	}
	for _, want := range []string{".git", ".env", ".beamline", "data/output", "bin", "bench/.cache"} {
		if !have[want] {
			t.Errorf(".dockerignore must exclude %s", want)
		}
	}
	if !have["node_modules"] && !have["**/node_modules"] {
		t.Error(".dockerignore must exclude node_modules")
	}
}
