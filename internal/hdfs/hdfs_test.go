package hdfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	gohdfs "github.com/colinmarc/hdfs/v2"

	"github.com/beamline/beamline/internal/fsys"
	"github.com/beamline/beamline/internal/hdfstest"
)

const blockSize = 1 << 20

// srv is the one HDFS every test of the package uses, each under its own
// folder (dir).
var srv *hdfstest.Server

func TestMain(m *testing.M) {
	// Hermetic: no cluster configuration or user from the environment.
	for _, v := range []string{"HADOOP_CONF_DIR", "HADOOP_HOME", "HADOOP_USER_NAME", TimeoutEnv} {
		os.Unsetenv(v)
	}
	var err error
	if srv, err = hdfstest.Start(hdfstest.Options{BlockSize: blockSize, Capacity: 1 << 30}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

// dir is the test's own folder on the server, as a URL.
func dir(t *testing.T) string {
	return srv.URL() + "/" + strings.ReplaceAll(t.Name(), "/", "_")
}

func randomBytes(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func mustWrite(t *testing.T, fsy fsys.FS, name string, data []byte) {
	t.Helper()
	if err := fsys.WriteFile(context.Background(), fsy, name, data); err != nil {
		t.Fatal(err)
	}
}

func TestRegistered(t *testing.T) {
	ctx := context.Background()
	f, err := fsys.For(ctx, dir(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.(FS); !ok {
		t.Errorf("fsys.For gave %T", f)
	}
	b, err := filesystem.New(ctx, dir(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b.(beamFS); !ok {
		t.Errorf("filesystem.New gave %T", b)
	}
}

func TestLargeFileSpanningBlocks(t *testing.T) {
	ctx := context.Background()
	name := dir(t) + "/in/big.csv"
	data := randomBytes(3*blockSize+blockSize/2, 1)
	mustWrite(t, FS{}, name, data)
	got, err := fsys.ReadFile(ctx, FS{}, name)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d of %d bytes, equal %v, %v", len(got), len(data), bytes.Equal(got, data), err)
	}
	if fi, err := (FS{}).Stat(ctx, name); err != nil || fi.Size != int64(len(data)) || fi.IsDir || fi.Name != "big.csv" {
		t.Errorf("stat %+v %v", fi, err)
	}

	f, err := (FS{}).Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, off := range []int64{0, 511, 512, blockSize - 3, blockSize, 2*blockSize + 1, 3 * blockSize, int64(len(data)) - 100} {
		want := data[off:min(off+4096, int64(len(data)))]
		buf := make([]byte, 4096)
		n, err := f.ReadAt(buf, off)
		if !bytes.Equal(buf[:n], want) || (n < len(buf)) != (err == io.EOF) {
			t.Errorf("ReadAt(%d) = %d, %v", off, n, err)
		}
		if pos, err := f.Seek(off, io.SeekStart); err != nil || pos != off {
			t.Fatalf("Seek(%d) = %d, %v", off, pos, err)
		}
		got := make([]byte, len(want))
		if _, err := io.ReadFull(f, got); err != nil || !bytes.Equal(got, want) {
			t.Errorf("Seek(%d) then read: %v", off, err)
		}
	}
	// ReadAt does not move the offset Read uses.
	f.Seek(10, io.SeekStart)
	f.ReadAt(make([]byte, 10), 2*blockSize)
	if b := make([]byte, 5); func() error { _, err := io.ReadFull(f, b); return err }() != nil || !bytes.Equal(b, data[10:15]) {
		t.Error("ReadAt moved the read offset")
	}
	if n, err := f.ReadAt(make([]byte, 1), int64(len(data))); n != 0 || err != io.EOF {
		t.Errorf("ReadAt at the end = %d, %v", n, err)
	}
	// Past the end, as on os.File: the seek works, reads are EOF.
	if pos, err := f.Seek(10, io.SeekEnd); err != nil || pos != int64(len(data))+10 {
		t.Errorf("seek past the end: %d %v", pos, err)
	}
	if n, err := f.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("read past the end = %d, %v", n, err)
	}
	if _, err := f.Seek(-1, io.SeekStart); err == nil {
		t.Error("negative seek accepted")
	}
	if pos, err := f.Seek(-3, io.SeekEnd); err != nil || pos != int64(len(data))-3 {
		t.Errorf("seek from the end: %d %v", pos, err)
	}
	if rest, err := io.ReadAll(f); err != nil || !bytes.Equal(rest, data[len(data)-3:]) {
		t.Errorf("tail %x %v", rest, err)
	}
}

// fsysContract exercises what internal/fsys promises, on a root of any
// filesystem; it runs on the local one too, so HDFS is held to Local's
// behaviour.
func fsysContract(t *testing.T, f fsys.FS, root string) {
	ctx := context.Background()
	p := func(elem ...string) string { return fsys.Join(root, elem...) }

	// Create makes parents and truncates.
	mustWrite(t, f, p("a", "b", "c.txt"), []byte("first version"))
	mustWrite(t, f, p("a", "b", "c.txt"), []byte("second"))
	if b, err := fsys.ReadFile(ctx, f, p("a", "b", "c.txt")); err != nil || string(b) != "second" {
		t.Errorf("after truncate: %q %v", b, err)
	}
	if _, err := f.Create(ctx, p("a", "b")); err == nil {
		t.Error("Create of a directory succeeded")
	}
	mustWrite(t, f, p("a", "empty"), nil)

	// Stat and ReadDir, sorted.
	for _, n := range []string{"z.csv", "m.csv", "B.csv", "a.csv"} {
		mustWrite(t, f, p("list", n), []byte(n))
	}
	if err := f.MkdirAll(ctx, p("list", "sub")); err != nil {
		t.Fatal(err)
	}
	if err := f.MkdirAll(ctx, p("list", "sub")); err != nil {
		t.Errorf("MkdirAll again: %v", err)
	}
	entries, err := f.ReadDir(ctx, p("list"))
	var names []string
	for _, e := range entries {
		names = append(names, fmt.Sprintf("%s:%v", e.Name, e.IsDir))
		if !e.IsDir && e.Size != 5 {
			t.Errorf("ReadDir: %s has %d bytes", e.Name, e.Size)
		}
	}
	if err != nil || strings.Join(names, " ") != "B.csv:false a.csv:false m.csv:false sub:true z.csv:false" {
		t.Errorf("ReadDir = %v %v", names, err)
	}
	if fi, err := f.Stat(ctx, p("list")); err != nil || !fi.IsDir || fi.Name != "list" {
		t.Errorf("Stat dir %+v %v", fi, err)
	}
	if fi, err := f.Stat(ctx, p("a", "empty")); err != nil || fi.Size != 0 || fi.IsDir || time.Since(fi.ModTime) > time.Minute {
		t.Errorf("Stat empty %+v %v", fi, err)
	}
	if _, err := f.ReadDir(ctx, p("list", "a.csv")); err == nil {
		t.Error("ReadDir of a file succeeded")
	}

	// Missing paths are fs.ErrNotExist everywhere.
	for what, err := range map[string]error{
		"Stat":    func() error { _, err := f.Stat(ctx, p("nope")); return err }(),
		"Open":    func() error { _, err := f.Open(ctx, p("nope")); return err }(),
		"ReadDir": func() error { _, err := f.ReadDir(ctx, p("nope")); return err }(),
		"Rename":  f.Rename(ctx, p("nope"), p("nope2")),
	} {
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s of a missing path: %v", what, err)
		}
	}
	if ok, err := fsys.Exists(ctx, f, p("nope")); ok || err != nil {
		t.Errorf("Exists(missing) = %v, %v", ok, err)
	}

	// Rename: a file to a new folder, over a file, onto itself; a directory
	// only to a free path.
	mustWrite(t, f, p("r", "x"), []byte("x"))
	mustWrite(t, f, p("r", "y"), []byte("y"))
	if err := f.Rename(ctx, p("r", "x"), p("r", "new", "deep", "x")); err != nil {
		t.Fatal(err)
	}
	if err := f.Rename(ctx, p("r", "new", "deep", "x"), p("r", "y")); err != nil {
		t.Fatal(err)
	}
	if b, _ := fsys.ReadFile(ctx, f, p("r", "y")); string(b) != "x" {
		t.Errorf("renamed over a file: %q", b)
	}
	if err := f.Rename(ctx, p("r", "y"), p("r", "y")); err != nil {
		t.Errorf("file renamed onto itself: %v", err)
	}
	if err := f.Rename(ctx, p("list"), p("moved", "list")); err != nil {
		t.Fatal(err)
	}
	if b, err := fsys.ReadFile(ctx, f, p("moved", "list", "m.csv")); err != nil || string(b) != "m.csv" {
		t.Errorf("moved folder: %q %v", b, err)
	}
	if err := f.Rename(ctx, p("moved", "list"), p("a")); !errors.Is(err, fs.ErrExist) {
		t.Errorf("folder onto an existing path: %v", err)
	}

	// Glob, sorted, with the root's form.
	for _, n := range []string{"g/2024/sales_a.csv", "g/2024/sales_b.csv", "g/2025/sales_c.csv", "g/2025/other.txt", "g/sales_x.csv"} {
		mustWrite(t, f, p(strings.Split(n, "/")...), []byte(n))
	}
	for pattern, want := range map[string][]string{
		"g/*/sales_*.csv":   {"g/2024/sales_a.csv", "g/2024/sales_b.csv", "g/2025/sales_c.csv"},
		"g/202?/*":          {"g/2024/sales_a.csv", "g/2024/sales_b.csv", "g/2025/other.txt", "g/2025/sales_c.csv"},
		"g/2024/sales_[b]*": {"g/2024/sales_b.csv"},
		"g/sales_x.csv":     {"g/sales_x.csv"},
		"g/*":               {"g/2024", "g/2025", "g/sales_x.csv"},
		"g/*/other.txt":     {"g/2025/other.txt"},
		"g/missing.csv":     nil,
		"nope/*.csv":        nil,
		"g/sales_x.csv/*":   nil,
	} {
		got, err := f.Glob(ctx, p(strings.Split(pattern, "/")...))
		var rel []string
		for _, g := range got {
			rel = append(rel, strings.TrimPrefix(filepath.ToSlash(strings.TrimPrefix(g, root)), "/"))
		}
		if err != nil || strings.Join(rel, " ") != strings.Join(want, " ") {
			t.Errorf("Glob(%s) = %v, %v; want %v", pattern, rel, err, want)
		}
	}
	if _, err := f.Glob(ctx, p("g", "[")); err == nil {
		t.Error("a bad pattern was accepted")
	}

	// RemoveAll: a tree, a file, a missing path.
	if err := f.RemoveAll(ctx, p("moved")); err != nil {
		t.Fatal(err)
	}
	if err := f.RemoveAll(ctx, p("r", "y")); err != nil {
		t.Fatal(err)
	}
	if err := f.RemoveAll(ctx, p("moved")); err != nil {
		t.Errorf("RemoveAll of a missing path: %v", err)
	}
	if _, err := f.Stat(ctx, p("moved")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("removed tree still there: %v", err)
	}
}

func TestFsysContractOnLocal(t *testing.T) { fsysContract(t, fsys.Local{}, t.TempDir()) }
func TestFsysContractOnHDFS(t *testing.T)  { fsysContract(t, FS{}, dir(t)) }

func TestBeamFilesystem(t *testing.T) {
	ctx := context.Background()
	bfs, err := filesystem.New(ctx, dir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer bfs.Close()
	data := randomBytes(2*blockSize+10, 2)
	name := dir(t) + "/in/data.csv"
	if err := filesystem.Write(ctx, bfs, name, data); err != nil {
		t.Fatal(err)
	}
	if size, err := bfs.Size(ctx, name); err != nil || size != int64(len(data)) {
		t.Errorf("Size = %d, %v", size, err)
	}
	if mt, err := bfs.(filesystem.LastModifiedGetter).LastModified(ctx, name); err != nil || time.Since(mt) > time.Minute {
		t.Errorf("LastModified = %v, %v", mt, err)
	}
	// csvio seeks to its block's start when the reader can.
	r, err := bfs.OpenRead(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	sk, ok := r.(io.Seeker)
	if !ok {
		t.Fatalf("%T does not seek", r)
	}
	if _, err := sk.Seek(blockSize+5, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if rest, err := io.ReadAll(r); err != nil || !bytes.Equal(rest, data[blockSize+5:]) {
		t.Errorf("read after seek: %d bytes, %v", len(rest), err)
	}
	r.Close()

	if err := filesystem.Copy(ctx, bfs, name, dir(t)+"/copy/data.csv"); err != nil {
		t.Fatal(err)
	}
	if err := filesystem.Rename(ctx, bfs, dir(t)+"/copy/data.csv", dir(t)+"/in/renamed.csv"); err != nil {
		t.Fatal(err)
	}
	if got, err := filesystem.Read(ctx, bfs, dir(t)+"/in/renamed.csv"); err != nil || !bytes.Equal(got, data) {
		t.Errorf("copied and renamed: %d bytes, %v", len(got), err)
	}
	files, err := bfs.List(ctx, dir(t)+"/in/*.csv")
	if err != nil || strings.Join(files, " ") != dir(t)+"/in/data.csv "+dir(t)+"/in/renamed.csv" {
		t.Errorf("List = %v, %v", files, err)
	}
	if err := bfs.(filesystem.Remover).Remove(ctx, name); err != nil {
		t.Fatal(err)
	}
	if _, err := bfs.Size(ctx, name); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Size of a removed file: %v", err)
	}
	if err := bfs.(filesystem.Remover).Remove(ctx, dir(t)+"/in"); err == nil {
		t.Error("Remove of a non-empty folder succeeded")
	}
}

func TestErrorsNamePathAndNamenode(t *testing.T) {
	ctx := context.Background()
	name := dir(t) + "/data/x.csv"
	_, err := (FS{}).Open(ctx, name)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("open missing: %v", err)
	}
	if want := name + ": open: file does not exist (namenode " + srv.Addr() + ")"; err.Error() != want {
		t.Errorf("error %q\nwant  %q", err, want)
	}
	var herr *Error
	if !errors.As(err, &herr) || herr.URL != name || herr.Namenode != srv.Addr() {
		t.Errorf("not an *Error: %#v", err)
	}
	// A Java exception keeps its class and gains its message.
	mustWrite(t, FS{}, dir(t)+"/file", []byte("f"))
	err = (FS{}).MkdirAll(ctx, dir(t)+"/file/sub")
	if err == nil || !strings.Contains(err.Error(), "ParentNotDirectoryException") || !strings.Contains(err.Error(), "is not a directory") || !strings.Contains(err.Error(), dir(t)+"/file/sub: mkdir: ") {
		t.Errorf("mkdir under a file: %v", err)
	}
	if _, err := (FS{}).Stat(ctx, "hdfs//nope"); err == nil {
		t.Error("a malformed URL was accepted")
	}
}

func TestUnreachableNamenodeFailsWithinTheTimeout(t *testing.T) {
	ctx := context.Background()
	t.Setenv(TimeoutEnv, "300ms")

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	closed.Close()

	// A namenode that accepts connections and never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()

	for _, addr := range []string{refused, silent.Addr().String()} {
		url := "hdfs://" + addr + "/data/x.csv"
		start := time.Now()
		_, err := (FS{}).Stat(ctx, url)
		took := time.Since(start)
		if err == nil {
			t.Fatalf("%s: stat succeeded", addr)
		}
		if took > 2*time.Second {
			t.Errorf("%s: failed after %s, want about 300ms", addr, took)
		}
		if !strings.HasPrefix(err.Error(), url+": stat: connect: ") || !strings.HasSuffix(err.Error(), "(namenode "+addr+")") {
			t.Errorf("%s: error %q", addr, err)
		}
		if _, err := (FS{}).Stat(ctx, url); err == nil {
			t.Errorf("%s: a failed connection was cached", addr)
		}
	}

	t.Setenv(TimeoutEnv, "soon")
	if _, err := (FS{}).Stat(ctx, "hdfs://"+refused+"/x"); err == nil || !strings.Contains(err.Error(), TimeoutEnv) {
		t.Errorf("bad timeout: %v", err)
	}
}

// TestNamenodeRestart: the shared client survives its namenode going away
// and coming back (after the client's own 5s back-off).
func TestNamenodeRestart(t *testing.T) {
	ctx := context.Background()
	t.Setenv(TimeoutEnv, "1s")
	name := dir(t) + "/x"
	mustWrite(t, FS{}, name, []byte("x"))
	srv.Stop()
	start := time.Now()
	_, err := (FS{}).Stat(ctx, name)
	if err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("stat with the namenode down: %v after %s", err, time.Since(start))
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// Every client of the server (other users' too, from earlier tests)
	// must come back, once past the client's own 5s back-off.
	clientsMu.Lock()
	var all []*connection
	for key, c := range clients {
		if key.namenode == srv.Addr() {
			all = append(all, c)
		}
	}
	clientsMu.Unlock()
	deadline := time.Now().Add(15 * time.Second)
	for _, c := range all {
		if <-c.ready; c.err != nil {
			continue
		}
		for {
			_, err := c.client.Stat("/")
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("still failing after the restart: %v", err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if _, err := (FS{}).Stat(ctx, name); err != nil {
		t.Errorf("after the restart: %v", err)
	}
}

func writeConf(t *testing.T, files map[string]map[string]string) string {
	t.Helper()
	d := t.TempDir()
	for file, props := range files {
		var b strings.Builder
		b.WriteString("<?xml version=\"1.0\"?>\n<configuration>\n")
		for k, v := range props {
			fmt.Fprintf(&b, "  <property><name>%s</name><value>%s</value></property>\n", k, v)
		}
		b.WriteString("</configuration>\n")
		if err := os.WriteFile(filepath.Join(d, file), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func TestDefaultFSFromHadoopConf(t *testing.T) {
	ctx := context.Background()
	t.Setenv("HADOOP_CONF_DIR", writeConf(t, map[string]map[string]string{
		"core-site.xml": {"fs.defaultFS": srv.URL()},
	}))
	name := "hdfs:///" + strings.TrimPrefix(dir(t), srv.URL()+"/") + "/x.csv"
	mustWrite(t, FS{}, name, []byte("via defaultFS"))
	if b, err := fsys.ReadFile(ctx, FS{}, dir(t)+"/x.csv"); err != nil || string(b) != "via defaultFS" {
		t.Errorf("read through the explicit URL: %q %v", b, err)
	}
	got, err := (FS{}).Glob(ctx, "hdfs:///"+strings.TrimPrefix(dir(t), srv.URL()+"/")+"/*.csv")
	if err != nil || len(got) != 1 || got[0] != name {
		t.Errorf("Glob = %v, %v; want [%s]", got, err, name)
	}
	if _, err := (FS{}).Stat(ctx, "hdfs:///nope"); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "(namenode "+srv.Addr()+")") {
		t.Errorf("missing path through defaultFS: %v", err)
	}

	t.Setenv("HADOOP_CONF_DIR", writeConf(t, map[string]map[string]string{"core-site.xml": {}}))
	if _, err := (FS{}).Stat(ctx, name); err == nil || !strings.Contains(err.Error(), "fs.defaultFS") {
		t.Errorf("no defaultFS: %v", err)
	}
}

func TestHANameservice(t *testing.T) {
	ctx := context.Background()
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead.Close()
	t.Setenv("HADOOP_CONF_DIR", writeConf(t, map[string]map[string]string{
		"hdfs-site.xml": {
			"dfs.nameservices":                        "lake",
			"dfs.ha.namenodes.lake":                   "nn1, nn2",
			"dfs.namenode.rpc-address.lake.nn1":       dead.Addr().String(),
			"dfs.namenode.rpc-address.lake.nn2":       srv.Addr(),
			"dfs.client.failover.proxy.provider.lake": "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider",
		},
	}))
	name := "hdfs://lake/" + strings.TrimPrefix(dir(t), srv.URL()+"/") + "/x"
	mustWrite(t, FS{}, name, []byte("ha"))
	if b, err := fsys.ReadFile(ctx, FS{}, dir(t)+"/x"); err != nil || string(b) != "ha" {
		t.Errorf("%q %v", b, err)
	}
	if _, err := (FS{}).Stat(ctx, "hdfs://lake/nope"); !strings.Contains(fmt.Sprint(err), "(namenode lake)") {
		t.Errorf("error names %v", err)
	}
}

func TestNamenodeResolution(t *testing.T) {
	for authority, want := range map[string]string{
		"nn:9000":   "nn:9000",
		"namenode":  "namenode:8020",
		"10.0.0.1":  "10.0.0.1:8020",
		"[::1]":     "[::1]:8020",
		"[::1]:900": "[::1]:900",
	} {
		if name, addrs, err := namenodes(nil, authority); err != nil || name != want || len(addrs) != 1 || addrs[0] != want {
			t.Errorf("namenodes(%q) = %s %v %v", authority, name, addrs, err)
		}
	}
	if _, _, err := namenodes(map[string]string{"fs.defaultFS": "file:///"}, ""); err == nil {
		t.Error("a file:// defaultFS was accepted")
	}
	for in, want := range map[string][2]string{
		"hdfs://nn:8020/data/input/": {"nn:8020", "/data/input"},
		"hdfs:///data//x.csv":        {"", "/data/x.csv"},
		"hdfs://nn":                  {"nn", "/"},
	} {
		if a, p, err := splitURL(in); err != nil || a != want[0] || p != want[1] {
			t.Errorf("splitURL(%q) = %q %q %v", in, a, p, err)
		}
	}
	for _, bad := range []string{"/local/path", "s3://b/k", "hdfs://user@nn/x"} {
		if _, _, err := splitURL(bad); err == nil {
			t.Errorf("splitURL(%q) accepted", bad)
		}
	}
}

// owner reads a file's owner with a client of its own.
func owner(t *testing.T, path string) string {
	t.Helper()
	c, err := gohdfs.NewClient(gohdfs.ClientOptions{Addresses: []string{srv.Addr()}, User: "inspector"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fi, err := c.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.(*gohdfs.FileInfo).Owner()
}

func TestUser(t *testing.T) {
	p := strings.TrimPrefix(dir(t), srv.URL())
	mustWrite(t, FS{}, dir(t)+"/os-user", nil)
	if u, err := user.Current(); err == nil {
		if got := owner(t, p+"/os-user"); got != u.Username {
			t.Errorf("owner %q, want the OS user %q", got, u.Username)
		}
	}
	t.Setenv("HADOOP_USER_NAME", "alice")
	mustWrite(t, FS{}, dir(t)+"/alice", nil)
	if got := owner(t, p+"/alice"); got != "alice" {
		t.Errorf("owner %q, want HADOOP_USER_NAME alice", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("%s/w%02d/part.csv", dir(t), i)
			data := randomBytes(blockSize/2+i*1000, int64(i))
			if err := fsys.WriteFile(ctx, FS{}, name, data); err != nil {
				errs <- err
				return
			}
			got, err := fsys.ReadFile(ctx, FS{}, name)
			if err != nil || !bytes.Equal(got, data) {
				errs <- fmt.Errorf("%s: %d bytes back, %v", name, len(got), err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, err := (FS{}).Glob(ctx, dir(t)+"/w*/part.csv"); err != nil || len(got) != 16 {
		t.Errorf("Glob found %d: %v", len(got), err)
	}
}
