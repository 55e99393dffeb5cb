// Package hdfs makes hdfs:// URLs usable wherever beamline takes a path: it
// registers the "hdfs" scheme with Beam's filesystem registry (the CSV
// reads) and with internal/fsys (the results sink and its commit), both on
// the github.com/colinmarc/hdfs/v2 client. Importing it is enough;
// internal/job does, so every pipeline can read and write HDFS.
//
// A URL is hdfs://namenode:port/path. Without a host (hdfs:///path) the
// namenode is fs.defaultFS from core-site.xml in $HADOOP_CONF_DIR (or
// $HADOOP_HOME/conf); a host with no port gets 8020, and a host that the
// configuration names as an HA nameservice (dfs.ha.namenodes.<host>)
// resolves to its namenodes. dfs.client.use.datanode.hostname is honoured.
// Authentication is SIMPLE: the user is $HADOOP_USER_NAME, else the OS
// user. One client per namenode and user is shared by the whole process.
//
// No call hangs on an unreachable or stalled cluster: connecting (dial,
// handshake, first answer) must finish within the timeout, and so must
// every read or write on a namenode or datanode connection. The timeout is
// $BEAMLINE_HDFS_TIMEOUT, a Go duration ("30s"), default 10s.
//
// Errors name the URL, the operation and the namenode, and wrap the cause:
// errors.Is(err, fs.ErrNotExist) holds for a missing path.
package hdfs

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/user"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	gohdfs "github.com/colinmarc/hdfs/v2"
	"github.com/colinmarc/hdfs/v2/hadoopconf"

	"github.com/beamline/beamline/internal/fsys"
)

func init() {
	filesystem.Register(Scheme, func(context.Context) filesystem.Interface { return beamFS{} })
	fsys.Register(Scheme, func(ctx context.Context, url string) (fsys.FS, error) { return Dial(ctx, url) })
}

const (
	// Scheme is the URL scheme this package serves.
	Scheme = "hdfs"
	// TimeoutEnv names the variable that sets the timeout (a Go duration).
	TimeoutEnv = "BEAMLINE_HDFS_TIMEOUT"
	// DefaultTimeout bounds connecting and each network read or write.
	DefaultTimeout = 10 * time.Second
	// DefaultPort is the namenode port of a URL that names none.
	DefaultPort = "8020"
)

// Error is a failed operation on an hdfs:// URL.
type Error struct {
	URL      string // the URL operated on
	Op       string // open, create, stat, rename…
	Namenode string // the namenode (or nameservice) asked; "" if none was found
	Err      error
}

func (e *Error) Error() string {
	if e.Namenode == "" {
		return fmt.Sprintf("%s: %s: %v", e.URL, e.Op, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v (namenode %s)", e.URL, e.Op, e.Err, e.Namenode)
}

func (e *Error) Unwrap() error { return e.Err }

// remoteError adds the namenode's message to an exception the client
// reports by class name only.
type remoteError struct {
	err error
	msg string
}

func (e *remoteError) Error() string { return e.err.Error() + ": " + e.msg }
func (e *remoteError) Unwrap() error { return e.err }

// cause strips the client's *os.PathError (the URL already names the path)
// and adds the message of a Java exception.
func cause(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		err = pe.Err
	}
	var remote gohdfs.Error
	if errors.As(err, &remote) && remote.Message() != "" {
		msg, _, _ := strings.Cut(remote.Message(), "\n")
		return &remoteError{err: err, msg: msg}
	}
	return err
}

// target is an hdfs:// URL resolved to its namenode's shared client.
type target struct {
	url      string
	prefix   string // "hdfs://" and the authority as written, to build result URLs
	path     string // absolute and clean
	namenode string
	client   *gohdfs.Client
}

// fail wraps err as the failure of op on t.
func (t *target) fail(op string, err error) error {
	return &Error{URL: t.url, Op: op, Namenode: t.namenode, Err: cause(err)}
}

// at returns t for another path on the same namenode.
func (t *target) at(p string) *target {
	u := *t
	u.path, u.url = p, t.prefix+p
	return &u
}

// open resolves name's namenode and connects to it (or reuses the
// process's client for it); op names the operation in errors.
func open(ctx context.Context, name, op string) (*target, error) {
	authority, p, err := splitURL(name)
	if err != nil {
		return nil, &Error{URL: name, Op: op, Err: err}
	}
	nn, err := resolve(ctx, authority)
	if err != nil {
		return nil, &Error{URL: name, Op: op, Namenode: nn.Name, Err: err}
	}
	return &target{url: name, prefix: Scheme + "://" + authority, path: p, namenode: nn.Name, client: nn.Client}, nil
}

// Namenode is how this process reaches the namenode of an hdfs:// URL.
type Namenode struct {
	Name    string         // the namenode or nameservice, as errors name it
	Addrs   []string       // its RPC addresses
	User    string         // the HDFS user
	Timeout time.Duration  // bound on connecting and on each network read or write
	Client  *gohdfs.Client // the process's shared client for it
}

// Resolve returns the namenode of url (its path is ignored), connected: for
// callers that need more of HDFS than a filesystem, such as status probes.
func Resolve(ctx context.Context, url string) (Namenode, error) {
	authority, _, err := splitURL(url)
	if err != nil {
		return Namenode{}, &Error{URL: url, Op: "connect", Err: err}
	}
	nn, err := resolve(ctx, authority)
	if err != nil {
		return nn, &Error{URL: url, Op: "connect", Namenode: nn.Name, Err: err}
	}
	return nn, nil
}

// resolve finds a URL authority's namenode, user and timeout and connects
// to it (or reuses the process's client for it).
func resolve(ctx context.Context, authority string) (Namenode, error) {
	conf, err := hadoopconf.LoadFromEnvironment()
	if err != nil {
		return Namenode{}, fmt.Errorf("reading the Hadoop configuration: %w", err)
	}
	var nn Namenode
	if nn.Name, nn.Addrs, err = namenodes(conf, authority); err != nil {
		return nn, err
	}
	if nn.User, err = hdfsUser(); err != nil {
		return nn, err
	}
	if nn.Timeout, err = timeoutFromEnv(); err != nil {
		return nn, err
	}
	nn.Client, err = shared(ctx, clientKey{namenode: nn.Name, user: nn.User}, nn.Addrs,
		conf["dfs.client.use.datanode.hostname"] == "true", nn.Timeout)
	return nn, err
}

// splitURL takes hdfs://authority/path apart; the path comes back clean
// and absolute ("/" for none).
func splitURL(name string) (authority, p string, err error) {
	rest, ok := strings.CutPrefix(name, Scheme+"://")
	if !ok {
		return "", "", fmt.Errorf("not an %s:// URL", Scheme)
	}
	authority, p = rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, p = rest[:i], path.Clean(rest[i:])
	}
	if strings.ContainsAny(authority, "@?#") {
		return "", "", fmt.Errorf("unsupported namenode %q in the URL (want host:port)", authority)
	}
	return authority, p, nil
}

// namenodes resolves a URL's authority to the name errors show and the
// addresses to dial: fs.defaultFS for none, an HA nameservice's namenodes,
// or host:port (DefaultPort if missing).
func namenodes(conf hadoopconf.HadoopConf, authority string) (string, []string, error) {
	if authority == "" {
		def := conf["fs.defaultFS"]
		if def == "" {
			def = conf["fs.default.name"]
		}
		if def == "" {
			return "", nil, fmt.Errorf("the URL names no namenode and there is no fs.defaultFS in core-site.xml (HADOOP_CONF_DIR=%q)", os.Getenv("HADOOP_CONF_DIR"))
		}
		u, err := url.Parse(def)
		if err != nil || u.Scheme != Scheme || u.Host == "" {
			return "", nil, fmt.Errorf("fs.defaultFS %q is not an %s://host URL", def, Scheme)
		}
		authority = u.Host
	}
	if ids := conf["dfs.ha.namenodes."+authority]; ids != "" {
		var addrs []string
		for _, id := range strings.Split(ids, ",") {
			if a := conf["dfs.namenode.rpc-address."+authority+"."+strings.TrimSpace(id)]; a != "" {
				addrs = append(addrs, a)
			}
		}
		if len(addrs) == 0 {
			return authority, nil, fmt.Errorf("nameservice %s has no dfs.namenode.rpc-address.%s.* in the configuration", authority, authority)
		}
		return authority, addrs, nil
	}
	if _, _, err := net.SplitHostPort(authority); err != nil {
		authority = net.JoinHostPort(strings.Trim(authority, "[]"), DefaultPort)
	}
	return authority, []string{authority}, nil
}

// hdfsUser is $HADOOP_USER_NAME, else the OS user, as Hadoop's own
// clients do under SIMPLE authentication.
func hdfsUser() (string, error) {
	if u := os.Getenv("HADOOP_USER_NAME"); u != "" {
		return u, nil
	}
	u, err := user.Current()
	if err != nil || u.Username == "" {
		return "", fmt.Errorf("cannot tell the HDFS user (set HADOOP_USER_NAME): %v", err)
	}
	return u.Username, nil
}

func timeoutFromEnv() (time.Duration, error) {
	v := os.Getenv(TimeoutEnv)
	if v == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q is not a positive duration such as 30s", TimeoutEnv, v)
	}
	return d, nil
}

type clientKey struct{ namenode, user string }

// connection is a client being made or made; ready closes when it is.
type connection struct {
	ready  chan struct{}
	client *gohdfs.Client
	err    error
}

var (
	clientsMu sync.Mutex
	clients   = map[clientKey]*connection{}
)

// shared returns the process's client for key, connecting on first use. A
// failed connection is not kept, so the next call tries again. Waiting is
// bounded by the timeout and by ctx.
func shared(ctx context.Context, key clientKey, addrs []string, useHostname bool, timeout time.Duration) (*gohdfs.Client, error) {
	clientsMu.Lock()
	c, ok := clients[key]
	if !ok {
		c = &connection{ready: make(chan struct{})}
		clients[key] = c
		go func() {
			c.client, c.err = connect(key.user, addrs, useHostname, timeout)
			if c.err != nil {
				clientsMu.Lock()
				delete(clients, key)
				clientsMu.Unlock()
			}
			close(c.ready)
		}()
	}
	clientsMu.Unlock()
	select {
	case <-c.ready: // the usual case: connected long ago
		return c.client, c.err
	default:
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	select {
	case <-c.ready:
		return c.client, c.err
	case <-deadline.C:
		return nil, fmt.Errorf("connect: no answer within %s (%s)", timeout, TimeoutEnv)
	case <-ctx.Done():
		return nil, fmt.Errorf("connect: %w", ctx.Err())
	}
}

// connect makes a client whose connections all time out, and checks the
// namenode answers: the handshake gets no reply, so ask for the server
// defaults. That also fills the client's unsynchronized cache of them
// before it is shared between goroutines.
func connect(user string, addrs []string, useHostname bool, timeout time.Duration) (*gohdfs.Client, error) {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &deadlineConn{Conn: c, timeout: timeout}, nil
	}
	client, err := gohdfs.NewClient(gohdfs.ClientOptions{Addresses: addrs, User: user,
		UseDatanodeHostname: useHostname, NamenodeDialFunc: dial, DatanodeDialFunc: dial})
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	if _, err := client.ServerDefaults(); err != nil {
		client.Close()
		return nil, fmt.Errorf("connect: %w", cause(err))
	}
	return client, nil
}

// deadlineConn gives every read and write the timeout, so a peer that stops
// answering fails the call; an idle connection is unaffected. It overrides
// the deadlines the client sets (none, by default).
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) Read(b []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(b)
}

func (c *deadlineConn) Write(b []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(b)
}
