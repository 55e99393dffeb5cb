package hdfstest

import (
	"sort"
	"strings"
	"time"
)

// node is a file or directory of the in-memory namespace. Every field is
// guarded by Server.mu.
type node struct {
	id           uint64
	name         string
	parent       *node
	children     map[string]*node // non-nil exactly for directories
	blocks       []*block
	perm         uint32
	owner, group string
	mtime, atime int64 // milliseconds since the epoch, as HDFS keeps them
	blockSize    int64
	writer       string // the client holding the file's lease; "" once complete
	refusals     int    // complete calls still to answer false (Options.SlowComplete)
}

// block is one block of a file, stored by the datanode.
type block struct {
	id, gen uint64
	file    *node
	data    []byte
	done    bool // the datanode received the block's last packet
}

func (n *node) isDir() bool { return n.children != nil }

func (n *node) size() int64 {
	var total int64
	for _, b := range n.blocks {
		total += int64(len(b.data))
	}
	return total
}

// path returns the node's absolute path.
func (n *node) path() string {
	if n.parent == nil {
		return "/"
	}
	var parts []string
	for ; n.parent != nil; n = n.parent {
		parts = append(parts, n.name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return "/" + strings.Join(parts, "/")
}

// sortedNames lists a directory's children in HDFS's (byte) order.
func (n *node) sortedNames() []string {
	names := make([]string, 0, len(n.children))
	for name := range n.children {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func nowMillis() int64 { return time.Now().UnixMilli() }

// splitPath splits an absolute HDFS path into its names. Like the
// namenode, it refuses relative paths and "." or ".." components.
func splitPath(p string) ([]string, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, invalidPath(p, "the path is not absolute")
	}
	var parts []string
	for _, c := range strings.Split(p, "/") {
		switch c {
		case "":
			continue
		case ".", "..", ":":
			return nil, invalidPath(p, "the path has a "+c+" component")
		}
		parts = append(parts, c)
	}
	return parts, nil
}

// lookup returns the node at p, or nil when nothing is there (a file
// "parent" included).
func (s *Server) lookup(p string) (*node, error) {
	parts, err := splitPath(p)
	if err != nil {
		return nil, err
	}
	n := s.root
	for _, name := range parts {
		if !n.isDir() {
			return nil, nil
		}
		if n = n.children[name]; n == nil {
			return nil, nil
		}
	}
	return n, nil
}

// mustLookup is lookup where a missing path is FileNotFoundException.
func (s *Server) mustLookup(p string) (*node, error) {
	n, err := s.lookup(p)
	if err == nil && n == nil {
		err = notFound("File does not exist: " + p)
	}
	return n, err
}

// parentDir returns the directory that holds p, and p's last name. With
// create, missing ancestors are made as directories (owned by user);
// without, a missing one is FileNotFoundException.
func (s *Server) parentDir(p, user string, create bool) (*node, string, error) {
	parts, err := splitPath(p)
	if err != nil {
		return nil, "", err
	}
	if len(parts) == 0 {
		return nil, "", ioError("the root directory cannot be the target of this operation")
	}
	dir := s.root
	for i, name := range parts[:len(parts)-1] {
		next := dir.children[name]
		switch {
		case next == nil && create:
			if !s.allowed(user, dir, permWrite) {
				return nil, "", accessDenied(user, "WRITE", dir)
			}
			next = s.newNode(dir, name, user, 0o755, true)
		case next == nil:
			return nil, "", notFound("Parent directory doesn't exist: /" + strings.Join(parts[:i+1], "/"))
		case !next.isDir():
			return nil, "", parentNotDir("/" + strings.Join(parts[:i+1], "/") + " (is not a directory)")
		}
		dir = next
	}
	return dir, parts[len(parts)-1], nil
}

// newNode adds a file or directory under parent. Like HDFS, a new node
// takes its group from its parent.
func (s *Server) newNode(parent *node, name, owner string, perm uint32, dir bool) *node {
	s.lastID++
	now := nowMillis()
	n := &node{id: s.lastID, name: name, parent: parent, perm: perm & 0o7777,
		owner: owner, group: parent.group, mtime: now, atime: now}
	if dir {
		n.children = map[string]*node{}
	}
	parent.children[name] = n
	parent.mtime = now
	return n
}

// detach removes n from its parent, and its blocks from the datanode.
func (s *Server) detach(n *node) {
	delete(n.parent.children, n.name)
	n.parent.mtime = nowMillis()
	var drop func(*node)
	drop = func(n *node) {
		for _, b := range n.blocks {
			s.dropBlock(b)
		}
		for _, c := range n.children {
			drop(c)
		}
	}
	drop(n)
}

// summary counts what is at and under n: bytes, files and directories.
func summary(n *node) (length int64, files, dirs uint64) {
	if !n.isDir() {
		return n.size(), 1, 0
	}
	dirs = 1
	for _, c := range n.children {
		l, f, d := summary(c)
		length, files, dirs = length+l, files+f, dirs+d
	}
	return length, files, dirs
}

// isUnder reports whether n is anc or lies beneath it.
func isUnder(n, anc *node) bool {
	for ; n != nil; n = n.parent {
		if n == anc {
			return true
		}
	}
	return false
}

const (
	permRead  = 4
	permWrite = 2
)

// allowed checks a permission bit for user on n when Options.Permissions
// is on. A user's only group is the one named like the user.
func (s *Server) allowed(user string, n *node, bit uint32) bool {
	if !s.opts.Permissions || user == s.opts.Superuser {
		return true
	}
	shift := 0
	switch user {
	case n.owner:
		shift = 6
	case n.group:
		shift = 3
	}
	return (n.perm>>shift)&bit != 0
}

// dropBlock forgets a block and the space it used.
func (s *Server) dropBlock(b *block) {
	if _, ok := s.blocks[b.id]; ok {
		delete(s.blocks, b.id)
		s.used -= int64(len(b.data))
	}
}

func (s *Server) usedLocked() int64 { return s.used }

func (s *Server) remainingLocked() uint64 {
	if left := s.opts.Capacity - s.usedLocked(); left > 0 {
		return uint64(left)
	}
	return 0
}
