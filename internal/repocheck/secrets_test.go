package repocheck

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// rule is one kind of credential: a pattern and, when its first group is
// a value, whether that value is a placeholder rather than a secret.
type rule struct {
	name string
	re   *regexp.Regexp
	// applies reports whether the rule applies to a file (nil: every one).
	applies func(path string) bool
	// literal reports whether a match is a real value (nil: every match).
	literal func(value string) bool
}

// placeholder matches the values documentation and examples use instead of
// a credential.
var placeholder = regexp.MustCompile(`(?i)^(|pass|password|passwd|pwd|secret|changeme|change[-_]me.*|example|test|user|x+|\*+|\.+|…|<.*|\[[^\]]*\]|\{[^}]*\}|\$.*|%s|%v)$`)

// literal reports whether v, a matched value, is a real one: not a
// placeholder, not cut from Go source between two string literals, and
// longer than the one-letter stand-ins tests use.
func literal(v string) bool {
	v = strings.Trim(v, `"'`+"`")
	return len(v) > 2 && !placeholder.MatchString(v) && !strings.ContainsAny(v, " \t,%?\\")
}

var rules = []rule{
	{name: "private key", re: regexp.MustCompile(`-----BEGIN ((RSA|EC|DSA|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY( BLOCK)?-----`)},
	{name: "AWS access key id", re: regexp.MustCompile(`\b((AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[0-9A-Z]{16})\b`)},
	{name: "AWS secret access key", re: regexp.MustCompile(`(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b`)},
	{name: "GitHub token", re: regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36,})\b`)},
	{name: "Slack token", re: regexp.MustCompile(`\b(xox[abprs]-[A-Za-z0-9-]{10,})\b`)},
	{name: "Google API key", re: regexp.MustCompile(`\b(AIza[0-9A-Za-z_-]{35})\b`)},
	{name: "password in a URI", re: regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^:@/\s"'<>]+:([^@/\s"'<>]+)@[^\s]`), literal: literal},
	{name: "password assignment", re: regexp.MustCompile(`(?i)(?:^|[^${A-Za-z0-9_])[a-z_]*(?:password|passwd)["']?\s*(?::=|[:=])\s*("[^"\n]*"|'[^'\n]*'|[^\s"',;)}\]]+)`),
		applies: func(p string) bool { return filepath.Base(p) != ".env.example" }, literal: assigned},
	{name: "bearer token", re: regexp.MustCompile(`(?i)\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)`), literal: literal},
}

// assigned reports whether the value of a password assignment is a literal
// secret: quoted and not a placeholder, or, unquoted, not a reference to a
// variable or a Go expression.
func assigned(v string) bool {
	if strings.HasPrefix(v, `"`) || strings.HasPrefix(v, `'`) {
		return literal(v)
	}
	if !literal(v) || strings.ContainsAny(v, "(.[") || v == "true" || v == "false" || v == "nil" || v == "null" {
		return false
	}
	// an unquoted identifier in Go code is a variable, not a value
	return !regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(v) || !strings.HasSuffix(strings.ToLower(v), "password")
}

// finding is a credential found in a file.
type finding struct {
	path string
	line int
	rule string
}

func (f finding) String() string { return fmt.Sprintf("%s:%d: %s", f.path, f.line, f.rule) }

// scan returns the credentials in data, the contents of path.
func scan(path string, data []byte) []finding {
	var out []finding
	if bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
		return nil // binary
	}
	for i, line := range strings.Split(string(data), "\n") {
		for _, r := range rules {
			if r.applies != nil && !r.applies(path) {
				continue
			}
			for _, m := range r.re.FindAllStringSubmatch(line, -1) {
				if r.literal != nil && !r.literal(m[1]) {
					continue
				}
				out = append(out, finding{path, i + 1, r.name})
			}
		}
	}
	return out
}

// TestNoCredentialsInTheRepository scans every file git tracks, and those
// about to be added (untracked, not ignored), for credentials.
func TestNoCredentialsInTheRepository(t *testing.T) {
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	dir := strings.TrimSpace(string(root))
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = dir
	list, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	files := 0
	for _, p := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			continue // deleted in the working tree, or a submodule
		}
		files++
		for _, f := range scan(p, data) {
			t.Errorf("%v: remove the credential (use an environment variable; placeholders belong in .env.example)", f)
		}
	}
	if files < 100 {
		t.Errorf("scanned only %d files", files)
	}
	t.Logf("scanned %d files", files)
}

// TestRulesCatchCredentials: each rule finds a credential of its kind and
// lets placeholders be. The samples are assembled here so that this file
// holds none.
func TestRulesCatchCredentials(t *testing.T) {
	j := func(parts ...string) string { return strings.Join(parts, "") }
	found := []string{
		j("-----BEGIN ", "RSA PRIVATE KEY-----"),
		j("-----BEGIN ", "OPENSSH PRIVATE KEY-----"),
		j("-----BEGIN ", "PRIVATE KEY-----"),
		j("key = AKIA", "IOSFODNN7EXAMPLE"),
		j("aws_secret_access_key = ", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
		j("token: ghp_", strings.Repeat("a1B2", 9)),
		j("mongodb://admin:", "s3cr3t-Pa55@mongo:27017/bigdata"),
		j("uri: \"postgres://app:", "hunter2@db/app\""),
		j("MONGO_INITDB_ROOT_PASS", "WORD=", "hunter2"),
		j("pass", "word: ", "hunter2"),
		j(`cfg.Pass`, `word = "`, `hunter2"`),
		j(`{"pass`, `word": "`, `hunter2"}`),
		j("curl -H 'Authorization: Bearer ", "eyJhbGciOiJIUzI1NiJ9.abcdefghijkl'"),
	}
	for _, s := range found {
		if f := scan("x.yml", []byte(s)); len(f) == 0 {
			t.Errorf("not found: %q", s)
		}
	}
	clean := []string{
		"mongodb://user:pass@host:27017", "mongodb://[user:pass@]host:port[/database]", "mongodb://${MONGO_USER}:${MONGO_PASSWORD}@mongo:27017",
		"mongodb://mongo:27017/bigdata", "https://example.com/a@b", "password: ${MONGO_PASSWORD}", "PASSWORD=$MONGO_PASSWORD",
		"password: <your password>", `Password: cfg.Password,`, `password := os.Getenv("MONGO_PASSWORD")`, "password: changeme",
		`Authorization: Bearer $BEAMLINE_TOKEN`, `Authorization: Bearer <token>`, `"Bearer " + token`, "PASSWORD=",
		"the password is refused", "aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",
	}
	for _, s := range clean {
		if f := scan("x.yml", []byte(s)); len(f) > 0 {
			t.Errorf("placeholder flagged: %q: %v", s, f)
		}
	}
	if f := scan(".env.example", []byte(j("MONGO_PASSWORD=", "change-me-please"))); len(f) > 0 {
		t.Errorf(".env.example's placeholders flagged: %v", f)
	}
}
