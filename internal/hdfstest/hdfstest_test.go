package hdfstest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

const blockSize = 1 << 20

// start starts a server and a client for it as user "test".
func start(t *testing.T, opts Options) (*Server, *hdfs.Client) {
	t.Helper()
	srv, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, connect(t, srv, "test")
}

func connect(t *testing.T, srv *Server, user string) *hdfs.Client {
	t.Helper()
	c, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{srv.Addr()}, User: user})
	if err != nil {
		t.Fatal(err)
	}
	// The client caches the defaults without a lock: fetch them before any
	// concurrent use.
	if _, err := c.ServerDefaults(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func randomBytes(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func writeFile(t *testing.T, c *hdfs.Client, name string, data []byte) {
	t.Helper()
	if err := c.MkdirAll(path.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := c.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	// Odd-sized writes, so packets and blocks are cut mid-write.
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 100_003)
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close %s: %v", name, err)
	}
}

func TestMultiBlockFileReadsBackIdentical(t *testing.T) {
	srv, c := start(t, Options{BlockSize: blockSize})
	data := randomBytes(3*blockSize+blockSize/2, 1)
	if err := c.MkdirAll("/data/in", 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, c, "/data/in/big.bin", data)

	got, err := c.ReadFile("/data/in/big.bin")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes (want %d), equal %v, err %v", len(got), len(data), bytes.Equal(got, data), err)
	}
	fi, err := c.Stat("/data/in/big.bin")
	if err != nil || fi.Size() != int64(len(data)) || fi.IsDir() || fi.Mode().Perm() != 0o644 {
		t.Fatalf("stat %v %v", fi, err)
	}
	if owner := fi.(*hdfs.FileInfo).Owner(); owner != "test" {
		t.Errorf("owner %q", owner)
	}
	if srv.Used() != int64(len(data)) {
		t.Errorf("used %d, want %d", srv.Used(), len(data))
	}
	srv.mu.Lock()
	blocks := len(srv.blocks)
	srv.mu.Unlock()
	if blocks != 4 {
		t.Errorf("%d blocks, want 4", blocks)
	}
}

func TestReadAtAndSeekAcrossBlockBoundaries(t *testing.T) {
	_, c := start(t, Options{BlockSize: blockSize})
	data := randomBytes(3*blockSize+777, 2)
	writeFile(t, c, "/f", data)
	f, err := c.Open("/f")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, off := range []int64{0, 1, 511, 512, blockSize - 1, blockSize, blockSize + 1, 2*blockSize - 100, 3 * blockSize, int64(len(data)) - 10} {
		buf := make([]byte, 300)
		n, err := f.ReadAt(buf, off)
		want := data[off:min(off+300, int64(len(data)))]
		if !bytes.Equal(buf[:n], want) || (n < len(buf) && err != io.EOF) || (n == len(buf) && err != nil) {
			t.Errorf("ReadAt(%d) = %d, %v; bytes equal %v", off, n, err, bytes.Equal(buf[:n], want))
		}
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			t.Fatalf("seek %d: %v", off, err)
		}
		got := make([]byte, len(want))
		if _, err := io.ReadFull(f, got); err != nil || !bytes.Equal(got, want) {
			t.Errorf("seek %d then read: %v, equal %v", off, err, bytes.Equal(got, want))
		}
	}
	if pos, err := f.Seek(-5, io.SeekEnd); err != nil || pos != int64(len(data))-5 {
		t.Errorf("seek from end: %d %v", pos, err)
	}
	rest, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(rest, data[len(data)-5:]) {
		t.Errorf("tail %x %v", rest, err)
	}
}

func TestEmptyFileAndAppend(t *testing.T) {
	_, c := start(t, Options{BlockSize: blockSize})
	if err := c.CreateEmptyFile("/empty"); err != nil {
		t.Fatal(err)
	}
	if b, err := c.ReadFile("/empty"); err != nil || len(b) != 0 {
		t.Fatalf("empty file: %q %v", b, err)
	}
	first := randomBytes(blockSize-100, 3)
	writeFile(t, c, "/log", first)
	second := randomBytes(1000, 4)
	w, err := c.Append("/log")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(second); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := c.ReadFile("/log")
	if err != nil || !bytes.Equal(got, append(first, second...)) {
		t.Fatalf("after append: %d bytes, %v", len(got), err)
	}
}

func TestDirectories(t *testing.T) {
	_, c := start(t, Options{BlockSize: blockSize, ListingLimit: 3})
	if err := c.MkdirAll("/a/b/c", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.MkdirAll("/a/b/c", 0o755); err != nil {
		t.Fatalf("MkdirAll of an existing directory: %v", err)
	}
	for _, name := range []string{"e", "a", "d", "c2", "b2", "f", "g"} {
		writeFile(t, c, "/a/b/"+name, []byte(name))
	}
	// More entries than one getListing answer holds.
	infos, err := c.ReadDir("/a/b")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fi := range infos {
		names = append(names, fi.Name())
	}
	if strings.Join(names, " ") != "a b2 c c2 d e f g" {
		t.Errorf("ReadDir = %v", names)
	}
	if fi, err := c.Stat("/a/b/c"); err != nil || !fi.IsDir() || fi.Name() != "c" {
		t.Errorf("stat dir %v %v", fi, err)
	}
	if err := c.Mkdir("/a/b/e/x", 0o755); err == nil {
		t.Error("mkdir under a file succeeded")
	}
	if err := c.Mkdir("/missing/x", 0o755); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("mkdir without parent: %v", err)
	}
	if err := c.Mkdir("/a", 0o755); !errors.Is(err, os.ErrExist) {
		t.Errorf("mkdir of an existing directory: %v", err)
	}
	var walked []string
	c.Walk("/a", func(p string, fi os.FileInfo, err error) error {
		walked = append(walked, p)
		return err
	})
	if len(walked) != 10 {
		t.Errorf("walked %v", walked)
	}
}

func TestRename(t *testing.T) {
	_, c := start(t, Options{})
	writeFile(t, c, "/src.txt", []byte("new"))
	writeFile(t, c, "/dst.txt", []byte("old"))
	if err := c.Rename("/src.txt", "/dst.txt"); err != nil {
		t.Fatal(err)
	}
	if b, err := c.ReadFile("/dst.txt"); err != nil || string(b) != "new" {
		t.Errorf("overwritten file holds %q %v", b, err)
	}
	if _, err := c.Stat("/src.txt"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("source still there: %v", err)
	}
	// Directories move with their contents, also over an empty directory.
	writeFile(t, c, "/d1/sub/x", []byte("x"))
	if err := c.Rename("/d1", "/d2"); err != nil {
		t.Fatal(err)
	}
	if b, err := c.ReadFile("/d2/sub/x"); err != nil || string(b) != "x" {
		t.Errorf("moved file %q %v", b, err)
	}
	c.MkdirAll("/empty", 0o755)
	if err := c.Rename("/d2", "/empty"); err != nil {
		t.Errorf("rename over an empty directory: %v", err)
	}
	writeFile(t, c, "/full/y", []byte("y"))
	if err := c.Rename("/empty", "/full"); err == nil {
		t.Error("rename over a non-empty directory succeeded")
	}
	if err := c.Rename("/dst.txt", "/full"); err == nil {
		t.Error("rename of a file over a directory succeeded")
	}
	if err := c.Rename("/full", "/full/y/inside"); err == nil {
		t.Error("rename into itself succeeded")
	}
	if err := c.Rename("/nope", "/x"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rename of a missing file: %v", err)
	}
	if err := c.Rename("/dst.txt", "/no/parent"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rename to a missing parent: %v", err)
	}
}

func TestRemove(t *testing.T) {
	_, c := start(t, Options{})
	writeFile(t, c, "/t/a/1", []byte("1"))
	writeFile(t, c, "/t/a/2", []byte("2"))
	err := c.Remove("/t/a")
	if !errors.Is(err, syscall.ENOTEMPTY) {
		t.Errorf("remove of a non-empty directory: %v", err)
	}
	if err := c.Remove("/t/a/1"); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveAll("/t"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Stat("/t"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("removed tree: %v", err)
	}
	if err := c.RemoveAll("/t"); err != nil {
		t.Errorf("RemoveAll of a missing path: %v", err)
	}
	if err := c.Remove("/t"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Remove of a missing path: %v", err)
	}
}

func TestStatFsAndContentSummary(t *testing.T) {
	srv, c := start(t, Options{BlockSize: blockSize, Capacity: 10 << 20})
	writeFile(t, c, "/s/a", randomBytes(1500, 5))
	writeFile(t, c, "/s/d/b", randomBytes(blockSize+1, 6))
	fs, err := c.StatFs()
	if err != nil {
		t.Fatal(err)
	}
	used := uint64(1500 + blockSize + 1)
	if fs.Capacity != 10<<20 || fs.Used != used || fs.Remaining != 10<<20-used {
		t.Errorf("StatFs = %+v", fs)
	}
	cs, err := c.GetContentSummary("/s")
	if err != nil {
		t.Fatal(err)
	}
	if cs.Size() != int64(used) || cs.FileCount() != 2 || cs.DirectoryCount() != 2 || cs.SizeAfterReplication() != int64(used) {
		t.Errorf("summary size %d files %d dirs %d", cs.Size(), cs.FileCount(), cs.DirectoryCount())
	}
	if _, err := c.GetContentSummary("/nope"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("summary of a missing path: %v", err)
	}
	// A full datanode refuses new blocks.
	w, err := c.Create("/s/huge")
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Write(make([]byte, 10<<20))
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		t.Errorf("writing past the capacity succeeded (used %d)", srv.Used())
	}
}

func TestChmodChtimesChown(t *testing.T) {
	_, c := start(t, Options{})
	writeFile(t, c, "/p", []byte("p"))
	if err := c.Chmod("/p", 0o600); err != nil {
		t.Fatal(err)
	}
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	if err := c.Chtimes("/p", when, when); err != nil {
		t.Fatal(err)
	}
	if err := c.Chown("/p", "alice", "staff"); err != nil {
		t.Fatal(err)
	}
	fi, err := c.Stat("/p")
	if err != nil {
		t.Fatal(err)
	}
	hfi := fi.(*hdfs.FileInfo)
	if fi.Mode().Perm() != 0o600 || !fi.ModTime().Equal(when) || !hfi.AccessTime().Equal(when) || hfi.Owner() != "alice" || hfi.OwnerGroup() != "staff" {
		t.Errorf("mode %v mtime %v atime %v owner %s:%s", fi.Mode(), fi.ModTime(), hfi.AccessTime(), hfi.Owner(), hfi.OwnerGroup())
	}
	if err := c.Chmod("/nope", 0o600); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("chmod of a missing path: %v", err)
	}
}

func TestErrorsMapToOSErrors(t *testing.T) {
	srv, c := start(t, Options{})
	if _, err := c.Open("/missing"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("open missing: %v", err)
	}
	writeFile(t, c, "/exists", []byte("x"))
	if _, err := c.Create("/exists"); !errors.Is(err, os.ErrExist) {
		t.Errorf("create existing: %v", err)
	}
	// The client's CreateFile skips its own check: the namenode refuses.
	if _, err := c.CreateFile("/exists", 1, blockSize, 0o644); !errors.Is(err, os.ErrExist) {
		t.Errorf("CreateFile existing: %v", err)
	}
	if _, err := c.Create("/no/parent"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("create without parent: %v", err)
	}
	_, err := c.Create("/exists/child")
	var remote hdfs.Error
	if !errors.As(err, &remote) || remote.Exception() != "org.apache.hadoop.fs.ParentNotDirectoryException" {
		t.Errorf("create under a file: %v", err)
	}
	if _, err := c.Stat("relative"); err == nil {
		t.Error("a relative path was accepted")
	}
	// A second writer of a file being written is refused.
	w, err := c.Create("/busy")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	other := connect(t, srv, "other")
	if _, err := other.Append("/busy"); err == nil {
		t.Errorf("append to a file being written: %v", err)
	}
}

func TestPermissions(t *testing.T) {
	srv, _ := start(t, Options{Permissions: true, Superuser: "hdfs"})
	root := connect(t, srv, "hdfs")
	if err := root.MkdirAll("/home/alice", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := root.Chown("/home/alice", "alice", "alice"); err != nil {
		t.Fatal(err)
	}
	alice, bob := connect(t, srv, "alice"), connect(t, srv, "bob")
	writeFile(t, alice, "/home/alice/notes", []byte("n"))
	if _, err := bob.Create("/home/alice/evil"); !errors.Is(err, os.ErrPermission) {
		t.Errorf("bob writes in alice's home: %v", err)
	}
	if err := bob.Chmod("/home/alice/notes", 0o777); !errors.Is(err, os.ErrPermission) {
		t.Errorf("bob chmods alice's file: %v", err)
	}
	if err := alice.Chmod("/home/alice/notes", 0o600); err != nil {
		t.Fatal(err)
	}
	// The client passes read errors on uninterpreted.
	var remote hdfs.Error
	if _, err := bob.ReadFile("/home/alice/notes"); !errors.As(err, &remote) || remote.Exception() != "org.apache.hadoop.security.AccessControlException" {
		t.Errorf("bob reads alice's private file: %v", err)
	}
	if err := alice.MkdirAll("/elsewhere", 0o755); !errors.Is(err, os.ErrPermission) {
		t.Errorf("alice writes in /: %v", err)
	}
}

func TestConcurrentWriters(t *testing.T) {
	_, c := start(t, Options{BlockSize: blockSize})
	// One client shared by every writer, as the product shares one per
	// namenode.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("/conc/f%d", i)
			data := randomBytes(blockSize+i*10_000, int64(i))
			if err := c.MkdirAll("/conc", 0o755); err != nil {
				errs <- err
				return
			}
			w, err := c.Create(name)
			if err != nil {
				errs <- err
				return
			}
			if _, err := w.Write(data); err != nil {
				errs <- err
				return
			}
			if err := w.Close(); err != nil {
				errs <- err
				return
			}
			got, err := c.ReadFile(name)
			if err != nil || !bytes.Equal(got, data) {
				errs <- fmt.Errorf("%s: read back %d bytes, %v", name, len(got), err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	names, _ := c.ReadDir("/conc")
	if len(names) != 8 {
		t.Errorf("%d files", len(names))
	}
}

func TestSlowCompleteIsRetried(t *testing.T) {
	_, c := start(t, Options{SlowComplete: 1})
	w, err := c.Create("/slow")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("data"))
	if err := w.Close(); !hdfs.IsErrReplicating(err) {
		t.Fatalf("first close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if b, err := c.ReadFile("/slow"); err != nil || string(b) != "data" {
		t.Errorf("%q %v", b, err)
	}
}

func TestStopAndRestart(t *testing.T) {
	srv, c := start(t, Options{})
	writeFile(t, c, "/kept", []byte("kept"))
	srv.Stop()
	if _, err := c.Stat("/kept"); err == nil {
		t.Fatal("stat succeeded with the namenode stopped")
	}
	if _, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{srv.Addr()}, User: "test"}); err == nil {
		t.Error("connected to a stopped namenode")
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	fresh := connect(t, srv, "test")
	if b, err := fresh.ReadFile("/kept"); err != nil || string(b) != "kept" {
		t.Errorf("after restart: %q %v", b, err)
	}
}

// TestMalformedInputDoesNotCrash sends garbage to both ports; the server
// answers or hangs up, and keeps serving real clients.
func TestMalformedInputDoesNotCrash(t *testing.T) {
	srv, c := start(t, Options{})
	rpcPacket := func(msgs ...[]byte) []byte {
		var body []byte
		for _, m := range msgs {
			body = append(body, delimited(m)...)
		}
		return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
	}
	header := enc{}.varint(1, 2).varint(2, 0).sint(3, 1).bytes(4, []byte("0123456789abcdef"))
	hello := []byte("hrpc\x09\x00\x00")
	ctx := rpcPacket(enc{}.varint(1, 2).sint(3, -3).bytes(4, []byte("x")), enc{}.msg(2, enc{}.str(1, "test")))
	inputs := map[string][]byte{
		"namenode garbage":  []byte("GET / HTTP/1.1\r\n\r\n"),
		"sasl":              []byte("hrpc\x09\x00\xdf"),
		"huge packet":       append(append([]byte{}, hello...), 0x7f, 0xff, 0xff, 0xff),
		"bad header":        append(append(append([]byte{}, hello...), ctx...), rpcPacket([]byte{0xff, 0xff})...),
		"unknown method":    append(append(append([]byte{}, hello...), ctx...), rpcPacket(header, enc{}.str(1, "nope").str(2, "p").varint(3, 1), nil)...),
		"bad request":       append(append(append([]byte{}, hello...), ctx...), rpcPacket(header, enc{}.str(1, "getFileInfo").str(2, "p").varint(3, 1), []byte{0x0a, 0x50})...),
		"truncated request": append(append(append([]byte{}, hello...), ctx...), 0, 0, 0, 9, 5, 1, 2),
		"no context":        append(append([]byte{}, hello...), rpcPacket(header, enc{}.str(1, "getFileInfo").str(2, "p").varint(3, 1), enc{}.str(1, "/"))...)}
	for name, in := range inputs {
		conn, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		conn.Write(in)
		conn.(*net.TCPConn).CloseWrite()
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		reply, _ := io.ReadAll(conn)
		conn.Close()
		if name == "unknown method" && !bytes.Contains(reply, []byte("RpcNoSuchMethodException")) {
			t.Errorf("%s: reply %q", name, reply)
		}
		if name == "no context" && !bytes.Contains(reply, []byte("before the connection context")) {
			t.Errorf("%s: reply %q", name, reply)
		}
		if name == "bad request" && !bytes.Contains(reply, []byte("java.io.IOException")) {
			t.Errorf("%s: reply %q", name, reply)
		}
	}
	for _, in := range [][]byte{{0, 28, 81, 0xff, 0xff, 0xff, 0xff, 0x0f}, {0, 1, 80}, {0, 28, 99, 0}, {0, 28, 80, 2, 0x0a, 0x00}, {0, 28, 81, 3, 0x0a, 0x01, 0xff}} {
		conn, err := net.Dial("tcp", srv.DatanodeAddr())
		if err != nil {
			t.Fatal(err)
		}
		conn.Write(in)
		conn.(*net.TCPConn).CloseWrite()
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		io.ReadAll(conn)
		conn.Close()
	}
	writeFile(t, c, "/still/works", []byte("ok"))
	if b, err := c.ReadFile("/still/works"); err != nil || string(b) != "ok" {
		t.Errorf("after garbage: %q %v", b, err)
	}
}

func TestListingOrderIsByteOrder(t *testing.T) {
	_, c := start(t, Options{})
	want := []string{"B", "a", "a.b", "a_b", "ä"}
	for _, n := range []string{"ä", "a_b", "B", "a.b", "a"} {
		writeFile(t, c, "/o/"+n, nil)
	}
	infos, err := c.ReadDir("/o")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fi := range infos {
		got = append(got, fi.Name())
	}
	if !sort.StringsAreSorted(got) || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("order %v", got)
	}
}

// rawCall calls a namenode method the client never uses, over a connection
// of its own, and returns the response or the exception's class name.
func rawCall(t *testing.T, srv *Server, method string, req enc) (msg, string) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	packet := func(msgs ...enc) []byte {
		var body []byte
		for _, m := range msgs {
			body = append(body, delimited(m)...)
		}
		return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
	}
	out := []byte("hrpc\x09\x00\x00")
	out = append(out, packet(enc{}.sint(3, connectionCallID).bytes(4, []byte("raw")), enc{}.msg(2, enc{}.str(1, "test")))...)
	out = append(out, packet(enc{}.sint(3, 7).bytes(4, []byte("raw")),
		enc{}.str(1, method).str(2, "org.apache.hadoop.hdfs.protocol.ClientProtocol").varint(3, 1), req)...)
	if _, err := conn.Write(out); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := readPacket(conn)
	if err != nil {
		t.Fatal(err)
	}
	hb, rest, err := nextDelimited(resp)
	if err != nil {
		t.Fatal(err)
	}
	header, err := parse(hb)
	if err != nil || header.uint(1) != 7 {
		t.Fatalf("response header %v %v", header, err)
	}
	if header.uint(2) != rpcSuccess {
		return nil, header.str(4)
	}
	body, _, err := nextDelimited(rest)
	if err != nil {
		t.Fatal(err)
	}
	m, err := parse(body)
	if err != nil {
		t.Fatal(err)
	}
	return m, ""
}

// TestOldRename: rename (not rename2) moves into an existing directory and
// answers false rather than failing.
func TestOldRename(t *testing.T) {
	srv, c := start(t, Options{})
	writeFile(t, c, "/f", []byte("f"))
	c.MkdirAll("/d", 0o755)
	rename := func(src, dst string) (bool, string) {
		m, exc := rawCall(t, srv, "rename", enc{}.str(1, src).str(2, dst))
		return m.bool(1), exc
	}
	if ok, exc := rename("/f", "/d"); !ok || exc != "" {
		t.Errorf("rename into a directory = %v %s", ok, exc)
	}
	if b, err := c.ReadFile("/d/f"); err != nil || string(b) != "f" {
		t.Errorf("moved file %q %v", b, err)
	}
	writeFile(t, c, "/g", []byte("g"))
	for _, tc := range [][2]string{{"/missing", "/x"}, {"/g", "/d/f"}, {"/g", "/no/parent"}, {"/d", "/d/sub"}} {
		if ok, exc := rename(tc[0], tc[1]); ok || exc != "" {
			t.Errorf("rename %s %s = %v %s, want false", tc[0], tc[1], ok, exc)
		}
	}
	if _, exc := rawCall(t, srv, "rename2", enc{}.str(1, "/g").str(2, "/d/f").boolean(3, false)); exc != "org.apache.hadoop.fs.FileAlreadyExistsException" {
		t.Errorf("rename2 without overwrite onto a file: %q", exc)
	}
	if _, exc := rawCall(t, srv, "getFileInfo", nil); exc != "org.apache.hadoop.fs.InvalidPathException" {
		t.Errorf("getFileInfo without a path: %q", exc)
	}
}
