// Package hdfstest is an in-process HDFS for tests: a namenode speaking
// Hadoop RPC and a datanode speaking the data-transfer protocol, enough of
// both for the unmodified github.com/colinmarc/hdfs/v2 client. The
// namespace and the blocks live in memory; there is one datanode, no
// replication, no security (SIMPLE authentication: the client's user is
// trusted) and permissions are only checked when asked for.
//
//	srv, err := hdfstest.Start(hdfstest.Options{})
//	defer srv.Close()
//	client, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{srv.Addr()}, User: "test"})
package hdfstest

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
)

const (
	poolID       = "BP-hdfstest-127.0.0.1"
	datanodeUUID = "hdfstest-datanode-1"
	storageID    = "DS-hdfstest-1"
)

// Options configure a Server; the zero value is usable.
type Options struct {
	// BlockSize is the default block size the namenode hands out
	// (getServerDefaults); small so that multi-block files are cheap.
	// Default 1 MiB. It must be a multiple of 512 (bytesPerChecksum).
	BlockSize int64
	// Capacity is the datanode's capacity reported by getFsStats; a block
	// is refused once the stored bytes reach it. Default 1 GiB.
	Capacity int64
	// ListingLimit is how many entries one getListing answer holds (HDFS's
	// dfs.ls.limit). Default 1000.
	ListingLimit int
	// Superuser owns the root directory and passes every permission check.
	// Default "hdfs".
	Superuser string
	// Permissions turns on permission checks (write on the parent for
	// changes, read for listing and reading, ownership for chmod/chown).
	Permissions bool
	// SlowComplete makes complete answer false this many times for each
	// file before it succeeds, as a namenode still waiting for its block
	// reports does.
	SlowComplete int
}

// Server is a running namenode and datanode on loopback ports.
type Server struct {
	opts Options

	mu     sync.Mutex // guards the namespace and the blocks
	root   *node
	blocks map[uint64]*block
	used   int64
	lastID uint64 // the last inode id handed out
	lastBk uint64 // the last block id handed out

	nnAddr string // fixed at Start, so Restart listens on the same port
	dnPort int

	connMu sync.Mutex // guards the fields below
	nn, dn net.Listener
	conns  map[net.Conn]bool // open connections; true for namenode ones
	closed bool
	wg     sync.WaitGroup
}

// Start starts a namenode and a datanode on free loopback ports.
func Start(opts Options) (*Server, error) {
	if opts.BlockSize == 0 {
		opts.BlockSize = 1 << 20
	}
	if opts.BlockSize < 0 || opts.BlockSize%bytesPerChecksum != 0 {
		return nil, fmt.Errorf("hdfstest: block size %d is not a positive multiple of %d", opts.BlockSize, bytesPerChecksum)
	}
	if opts.Capacity <= 0 {
		opts.Capacity = 1 << 30
	}
	if opts.ListingLimit <= 0 {
		opts.ListingLimit = 1000
	}
	if opts.Superuser == "" {
		opts.Superuser = "hdfs"
	}
	s := &Server{opts: opts, blocks: map[uint64]*block{}, conns: map[net.Conn]bool{},
		lastID: 16384, lastBk: 1 << 30}
	now := nowMillis()
	s.root = &node{id: s.lastID, perm: 0o755, owner: opts.Superuser, group: "supergroup",
		mtime: now, atime: now, children: map[string]*node{}}

	dn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("hdfstest: datanode: %w", err)
	}
	nn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		dn.Close()
		return nil, fmt.Errorf("hdfstest: namenode: %w", err)
	}
	s.dn, s.nn = dn, nn
	s.dnPort = dn.Addr().(*net.TCPAddr).Port
	s.nnAddr = nn.Addr().String()
	s.wg.Add(2)
	go s.serve(dn, false, s.serveData)
	go s.serve(nn, true, s.serveRPC)
	return s, nil
}

// Addr is the namenode's host:port.
func (s *Server) Addr() string { return s.nnAddr }

// URL is the namenode as an hdfs:// URL, without a path.
func (s *Server) URL() string { return "hdfs://" + s.nnAddr }

// DatanodeAddr is the datanode's host:port.
func (s *Server) DatanodeAddr() string { return "127.0.0.1:" + strconv.Itoa(s.dnPort) }

// Stop makes the namenode unreachable: it stops listening and drops its
// connections. The datanode and the namespace stay; Restart brings the
// namenode back.
func (s *Server) Stop() {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.nn != nil {
		s.nn.Close()
		s.nn = nil
	}
	for c, namenode := range s.conns {
		if namenode {
			c.Close()
		}
	}
}

// Restart listens again on the namenode's port after Stop.
func (s *Server) Restart() error {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.closed {
		return errors.New("hdfstest: server closed")
	}
	if s.nn != nil {
		return nil
	}
	nn, err := net.Listen("tcp", s.nnAddr)
	if err != nil {
		return fmt.Errorf("hdfstest: restart namenode: %w", err)
	}
	s.nn = nn
	s.wg.Add(1)
	go s.serve(nn, true, s.serveRPC)
	return nil
}

// Close stops both servers, drops every connection and waits for their
// goroutines.
func (s *Server) Close() error {
	s.connMu.Lock()
	if s.closed {
		s.connMu.Unlock()
		return nil
	}
	s.closed = true
	for _, l := range []net.Listener{s.nn, s.dn} {
		if l != nil {
			l.Close()
		}
	}
	s.nn, s.dn = nil, nil
	for c := range s.conns {
		c.Close()
	}
	s.connMu.Unlock()
	s.wg.Wait()
	return nil
}

// Used is the number of bytes the datanode stores.
func (s *Server) Used() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used
}

// serve accepts connections on l until it is closed, handling each on its
// own goroutine.
func (s *Server) serve(l net.Listener, namenode bool, handle func(net.Conn)) {
	defer s.wg.Done()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		s.connMu.Lock()
		if s.closed || (namenode && s.nn != l) {
			s.connMu.Unlock()
			c.Close()
			continue
		}
		s.conns[c] = namenode
		s.wg.Add(1)
		s.connMu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				c.Close()
				s.connMu.Lock()
				delete(s.conns, c)
				s.connMu.Unlock()
			}()
			handle(c)
		}()
	}
}
