package deploy

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

// root is the repository, seen from this package's folder.
const root = ".."

// The compose services the checks, the docs and the code refer to by name.
const (
	svcAPI          = "beamline"
	svcInit         = "beamline-init"
	svcLoad         = "beamline-load"
	svcNamenode     = "namenode"
	svcSecondary    = "secondarynamenode"
	svcMongo        = "mongodb"
	svcMongoExpress = "mongo-express"
	svcJobManager   = "flink-jobmanager"
	svcJobServer    = "flink-jobserver"
)

// composeFile is the part of docker-compose.yml the checks read.
type composeFile struct {
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
}

type service struct {
	Image       string       `yaml:"image"`
	Build       any          `yaml:"build"`
	Hostname    string       `yaml:"hostname"`
	Entrypoint  stringList   `yaml:"entrypoint"`
	Command     stringList   `yaml:"command"`
	Environment environment  `yaml:"environment"`
	Ports       []string     `yaml:"ports"`
	Volumes     []string     `yaml:"volumes"`
	DependsOn   dependsOn    `yaml:"depends_on"`
	Healthcheck *healthcheck `yaml:"healthcheck"`
	NetworkMode string       `yaml:"network_mode"`
	Restart     string       `yaml:"restart"`
}

type healthcheck struct {
	Test    stringList `yaml:"test"`
	Disable bool       `yaml:"disable"`
}

// stringList is a command, entrypoint or healthcheck test: a list, or a
// string split on white space.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode {
		*l = strings.Fields(n.Value)
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

// environment is a service's variables as written (before interpolation),
// from a map or a list of NAME=value.
type environment map[string]string

func (e *environment) UnmarshalYAML(n *yaml.Node) error {
	n = resolve(n)
	*e = environment{}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			(*e)[n.Content[i].Value] = resolve(n.Content[i+1]).Value
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			k, v, _ := strings.Cut(resolve(item).Value, "=")
			(*e)[k] = v
		}
	default:
		return fmt.Errorf("line %d: environment must be a map or a list", n.Line)
	}
	return nil
}

// dependsOn maps each dependency to its condition (service_started for the
// list form).
type dependsOn map[string]string

func (d *dependsOn) UnmarshalYAML(n *yaml.Node) error {
	n = resolve(n)
	*d = dependsOn{}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			(*d)[resolve(item).Value] = "service_started"
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			var c struct {
				Condition string `yaml:"condition"`
			}
			if err := n.Content[i+1].Decode(&c); err != nil {
				return err
			}
			if c.Condition == "" {
				c.Condition = "service_started"
			}
			(*d)[n.Content[i].Value] = c.Condition
		}
	default:
		return fmt.Errorf("line %d: depends_on must be a list or a map", n.Line)
	}
	return nil
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// healthy reports whether s has a healthcheck of its own that is not disabled.
func (s service) healthy() bool {
	return s.Healthcheck != nil && !s.Healthcheck.Disable && len(s.Healthcheck.Test) > 0
}

// published returns the container port s publishes on host port host.
func (s service) published(host string) (string, bool) {
	for _, p := range s.Ports {
		parts := strings.Split(p, ":")
		if len(parts) < 2 {
			continue
		}
		h, c := parts[len(parts)-2], strings.TrimSuffix(parts[len(parts)-1], "/tcp")
		if h == host {
			return c, true
		}
	}
	return "", false
}

// mount returns the source of the volume s mounts at target.
func (s service) mount(target string) (source string, readOnly, ok bool) {
	for _, v := range s.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && parts[1] == target {
			return parts[0], len(parts) == 3 && parts[2] == "ro", true
		}
	}
	return "", false, false
}

// mountUnder returns the named volume s mounts at a folder holding path.
func (s service) mountUnder(path string) (volume, target string, ok bool) {
	for _, v := range s.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || strings.ContainsAny(parts[0], "./") {
			continue // a bind mount, not a named volume
		}
		if path == parts[1] || strings.HasPrefix(path, strings.TrimSuffix(parts[1], "/")+"/") {
			return parts[0], parts[1], true
		}
	}
	return "", "", false
}

// flagValue returns the value of --name=value (or --name value) in args.
func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v, true
		}
		if a == name && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// hostPort splits host:port, failing the test when it is not one.
func hostPort(t *testing.T, what, addr string) (string, string) {
	t.Helper()
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("%s = %q: want host:port: %v", what, addr, err)
	}
	return h, p
}

var loaded struct {
	once    sync.Once
	compose composeFile
	doc     yaml.Node
	env     []envVar
	err     error
}

// compose returns docker-compose.yml decoded, and its YAML tree.
func compose(t *testing.T) (composeFile, *yaml.Node) {
	t.Helper()
	load()
	if loaded.err != nil {
		t.Fatal(loaded.err)
	}
	return loaded.compose, &loaded.doc
}

// envExample returns .env.example's variables in file order.
func envExample(t *testing.T) []envVar {
	t.Helper()
	load()
	if loaded.err != nil {
		t.Fatal(loaded.err)
	}
	return loaded.env
}

// envValues returns .env.example as a map, as compose would read it.
func envValues(t *testing.T) map[string]string {
	t.Helper()
	vars := map[string]string{}
	for _, v := range envExample(t) {
		vars[v.Name] = v.Value
	}
	return vars
}

func load() {
	loaded.once.Do(func() {
		b, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
		if err != nil {
			loaded.err = err
			return
		}
		if err := yaml.Unmarshal(b, &loaded.doc); err != nil {
			loaded.err = fmt.Errorf("docker-compose.yml: %w", err)
			return
		}
		if err := loaded.doc.Decode(&loaded.compose); err != nil {
			loaded.err = fmt.Errorf("docker-compose.yml: %w", err)
			return
		}
		if len(loaded.compose.Services) == 0 {
			loaded.err = errors.New("docker-compose.yml: no services")
			return
		}
		loaded.env, loaded.err = readEnvFile(filepath.Join(root, ".env.example"))
	})
}

type envVar struct {
	Name, Value string
	Line        int
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// readEnvFile reads NAME=value lines; # starts a comment line.
func readEnvFile(path string) ([]envVar, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var vars []envVar
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, value, ok := strings.Cut(text, "=")
		if !ok || !envName.MatchString(name) {
			return nil, fmt.Errorf("%s:%d: want NAME=value, got %q", path, line, text)
		}
		if seen[name] {
			return nil, fmt.Errorf("%s:%d: %s is set twice", path, line, name)
		}
		seen[name] = true
		vars = append(vars, envVar{Name: name, Value: value, Line: line})
	}
	return vars, sc.Err()
}

// ref is one ${...} of the compose file: ${Name}, ${Name:-Arg}, ${Name-Arg},
// ${Name:?Arg} or ${Name?Arg}.
type ref struct{ Name, Op, Arg string }

var refBody = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])(.*))?$`)

// interpolate does what compose does to a value: $$ is a dollar, ${...}
// is replaced by f's answer. A bare $NAME or a lone $ is refused: the
// compose file writes every variable as ${NAME}.
func interpolate(s string, f func(ref) (string, error)) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		if i+1 >= len(s) || s[i+1] != '{' {
			return "", fmt.Errorf("%q: a bare $ at byte %d (write ${NAME}, or $$ for a dollar)", s, i)
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("%q: ${ without }", s)
		}
		m := refBody.FindStringSubmatch(s[i+2 : i+end])
		if m == nil {
			return "", fmt.Errorf("%q: %q is not ${NAME}, ${NAME:-default} or ${NAME:?error}", s, s[i:i+end+1])
		}
		v, err := f(ref{Name: m[1], Op: m[2], Arg: m[3]})
		if err != nil {
			return "", err
		}
		b.WriteString(v)
		i += end
	}
	return b.String(), nil
}

// expand interpolates s with vars as compose would with that .env.
func expand(s string, vars map[string]string) (string, error) {
	return interpolate(s, func(r ref) (string, error) {
		v, set := vars[r.Name]
		switch r.Op {
		case ":-":
			if v == "" {
				return r.Arg, nil
			}
		case "-":
			if !set {
				return r.Arg, nil
			}
		case ":?":
			if v == "" {
				return "", fmt.Errorf("%s is required: %s", r.Name, r.Arg)
			}
		case "?":
			if !set {
				return "", fmt.Errorf("%s is required: %s", r.Name, r.Arg)
			}
		}
		return v, nil
	})
}

// refs lists the ${...} of s.
func refs(s string) ([]ref, error) {
	var out []ref
	_, err := interpolate(s, func(r ref) (string, error) {
		out = append(out, r)
		return "", nil
	})
	return out, err
}

// scalars calls f with every scalar value (not mapping keys) of the tree.
func scalars(n *yaml.Node, f func(*yaml.Node)) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			scalars(c, f)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			scalars(n.Content[i+1], f)
		}
	case yaml.ScalarNode:
		f(n)
	}
}

// hadoopProperty is one <property> of a Hadoop configuration file.
type hadoopProperty struct {
	Name, Value string
	Line        int
}

// readHadoopXML reads a Hadoop configuration file strictly: a
// <configuration> root holding only <property> elements, each with exactly
// one <name> and one <value> and optionally <description> or <final>. Any
// other element is an error: Hadoop skips elements it does not know, which
// is how the original's <n> tags went unnoticed.
func readHadoopXML(path string) ([]hadoopProperty, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	line := func() int { l, _ := dec.InputPos(); return l }
	var (
		props []hadoopProperty
		stack []string
		cur   *hadoopProperty
		text  strings.Builder
		count map[string]int
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			switch len(stack) {
			case 0:
				if name != "configuration" {
					return nil, fmt.Errorf("%s:%d: root element <%s>, want <configuration>", path, line(), name)
				}
			case 1:
				if name != "property" {
					return nil, fmt.Errorf("%s:%d: <%s> in <configuration>, want only <property>", path, line(), name)
				}
				cur, count = &hadoopProperty{Line: line()}, map[string]int{}
			case 2:
				switch name {
				case "name", "value", "description", "final":
				default:
					return nil, fmt.Errorf("%s:%d: <%s> in <property>, Hadoop reads only <name>, <value>, <description>, <final>", path, line(), name)
				}
				if count[name]++; count[name] > 1 {
					return nil, fmt.Errorf("%s:%d: a second <%s> in one <property>", path, line(), name)
				}
				text.Reset()
			default:
				return nil, fmt.Errorf("%s:%d: <%s> nested too deep", path, line(), name)
			}
			stack = append(stack, name)
		case xml.CharData:
			if len(stack) == 3 {
				text.Write(tok)
			} else if strings.TrimSpace(string(tok)) != "" {
				return nil, fmt.Errorf("%s:%d: text %q outside <name>/<value>", path, line(), strings.TrimSpace(string(tok)))
			}
		case xml.EndElement:
			switch tok.Name.Local {
			case "name":
				cur.Name = strings.TrimSpace(text.String())
			case "value":
				cur.Value = strings.TrimSpace(text.String())
			case "property":
				if count["name"] != 1 || count["value"] != 1 || cur.Name == "" {
					return nil, fmt.Errorf("%s:%d: a <property> needs one non-empty <name> and one <value>", path, cur.Line)
				}
				props = append(props, *cur)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(props) == 0 {
		return nil, fmt.Errorf("%s: no <property>", path)
	}
	return props, nil
}
