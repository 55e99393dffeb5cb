package hdfstest

import (
	"fmt"
	"math"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// call is one namenode request; methods run with Server.mu held.
type call struct {
	s    *Server
	user string
	req  msg
}

// methods are the ClientProtocol methods the namenode answers. Request and
// response field numbers are ClientNamenodeProtocol.proto's.
var methods = map[string]func(*call) (enc, error){
	"getServerDefaults":      (*call).getServerDefaults,
	"getFileInfo":            (*call).getFileInfo,
	"getListing":             (*call).getListing,
	"mkdirs":                 (*call).mkdirs,
	"create":                 (*call).create,
	"append":                 (*call).append,
	"addBlock":               (*call).addBlock,
	"updateBlockForPipeline": (*call).updateBlockForPipeline,
	"complete":               (*call).complete,
	"getBlockLocations":      (*call).getBlockLocations,
	"delete":                 (*call).delete,
	"rename":                 (*call).rename,
	"rename2":                (*call).rename2,
	"renewLease":             func(*call) (enc, error) { return enc{}, nil },
	"getFsStats":             (*call).getFsStats,
	"getContentSummary":      (*call).getContentSummary,
	"getDatanodeReport":      (*call).getDatanodeReport,
	"setPermission":          (*call).setPermission,
	"setOwner":               (*call).setOwner,
	"setTimes":               (*call).setTimes,
}

// bytesPerChecksum is the chunk size the datanode checksums (CRC32C).
const bytesPerChecksum = 512

// flagOverwrite is CreateFlag.OVERWRITE in CreateRequestProto.createFlag.
const flagOverwrite = 2

// src returns the request's string path field f, which must be present.
func (c *call) src(f protowire.Number) (string, error) {
	p := c.req.str(f)
	if p == "" {
		return "", invalidPath(p, "no path in the request")
	}
	return p, nil
}

// node returns the path in field f and the node there: nil if missing, or
// with must a FileNotFoundException.
func (c *call) node(f protowire.Number, must bool) (string, *node, error) {
	p, err := c.src(f)
	if err != nil {
		return "", nil, err
	}
	lookup := c.s.lookup
	if must {
		lookup = c.s.mustLookup
	}
	n, err := lookup(p)
	return p, n, err
}

func (c *call) getServerDefaults() (enc, error) {
	// FsServerDefaultsProto: blockSize 1, bytesPerChecksum 2,
	// writePacketSize 3, replication 4, fileBufferSize 5,
	// encryptDataTransfer 6, checksumType 8.
	d := enc{}.varint(1, uint64(c.s.opts.BlockSize)).varint(2, bytesPerChecksum).
		varint(3, 64<<10).varint(4, 1).varint(5, 4096).boolean(6, false).
		varint(8, checksumCRC32C)
	return enc{}.msg(1, d), nil
}

// getFileInfo answers an empty response for a missing path, as HDFS does.
func (c *call) getFileInfo() (enc, error) {
	_, n, err := c.node(1, false)
	if err != nil || n == nil {
		return enc{}, err
	}
	return enc{}.msg(1, c.s.fileStatus(n, "")), nil
}

// getListing lists a directory in name order, at most ListingLimit entries
// after startAfter (field 2). A missing path has no dirList.
func (c *call) getListing() (enc, error) {
	_, n, err := c.node(1, false)
	if err != nil || n == nil {
		return enc{}, err
	}
	if !c.s.allowed(c.user, n, permRead) {
		return nil, accessDenied(c.user, "READ_EXECUTE", n)
	}
	var list enc
	if !n.isDir() {
		list = list.msg(1, c.s.fileStatus(n, ""))
		return enc{}.msg(1, list.varint(2, 0)), nil
	}
	after := c.req.str(2)
	names := n.sortedNames()
	i := 0
	for i < len(names) && names[i] <= after {
		i++
	}
	end := min(i+c.s.opts.ListingLimit, len(names))
	for _, name := range names[i:end] {
		list = list.msg(1, c.s.fileStatus(n.children[name], name)) // partialListing
	}
	list = list.varint(2, uint64(len(names)-end)) // remainingEntries
	return enc{}.msg(1, list), nil
}

// mkdirs makes a directory (and with createParent its parents); an
// existing directory is fine.
func (c *call) mkdirs() (enc, error) {
	p, err := c.src(1)
	if err != nil {
		return nil, err
	}
	masked, err := c.req.sub(2)
	if err != nil {
		return nil, err
	}
	if n, err := c.s.lookup(p); err != nil {
		return nil, err
	} else if n != nil {
		if !n.isDir() {
			return nil, exists("Path is not a directory: " + p)
		}
		return enc{}.boolean(1, true), nil
	}
	dir, name, err := c.s.parentDir(p, c.user, c.req.bool(3))
	if err != nil {
		return nil, err
	}
	if !c.s.allowed(c.user, dir, permWrite) {
		return nil, accessDenied(c.user, "WRITE", dir)
	}
	perm := uint32(0o755)
	if masked.has(1) {
		perm = uint32(masked.uint(1))
	}
	c.s.newNode(dir, name, c.user, perm, true)
	return enc{}.boolean(1, true), nil
}

// create makes a file open for writing by clientName (field 3): masked 2,
// createFlag 4, createParent 5, blockSize 7.
func (c *call) create() (enc, error) {
	p, err := c.src(1)
	if err != nil {
		return nil, err
	}
	masked, err := c.req.sub(2)
	if err != nil {
		return nil, err
	}
	client, flags := c.req.str(3), c.req.uint(4)
	if client == "" {
		return nil, ioError("create " + p + ": no client name")
	}
	blockSize := int64(c.req.uint(7))
	if blockSize == 0 {
		blockSize = c.s.opts.BlockSize
	}
	if blockSize < 0 || blockSize%bytesPerChecksum != 0 {
		return nil, ioError(fmt.Sprintf("block size %d is not a positive multiple of %d", blockSize, bytesPerChecksum))
	}
	if n, err := c.s.lookup(p); err != nil {
		return nil, err
	} else if n != nil {
		switch {
		case n.isDir():
			return nil, exists(p + " already exists as a directory")
		case n.writer != "" && n.writer != client:
			return nil, beingCreated(p, n.writer)
		case flags&flagOverwrite == 0:
			return nil, exists(p + " for client " + client + " already exists")
		}
		if !c.s.allowed(c.user, n.parent, permWrite) {
			return nil, accessDenied(c.user, "WRITE", n.parent)
		}
		c.s.detach(n)
	}
	dir, name, err := c.s.parentDir(p, c.user, c.req.bool(5))
	if err != nil {
		return nil, err
	}
	if !c.s.allowed(c.user, dir, permWrite) {
		return nil, accessDenied(c.user, "WRITE", dir)
	}
	perm := uint32(0o644)
	if masked.has(1) {
		perm = uint32(masked.uint(1))
	}
	n := c.s.newNode(dir, name, c.user, perm, false)
	n.blockSize, n.writer, n.refusals = blockSize, client, c.s.opts.SlowComplete
	return enc{}.msg(1, c.s.fileStatus(n, "")), nil
}

// append reopens a file for writing by clientName (field 2). The answer
// holds its last block when that has room left, for the client to fill.
func (c *call) append() (enc, error) {
	p, n, err := c.node(1, true)
	if err != nil {
		return nil, err
	}
	client := c.req.str(2)
	switch {
	case n.isDir():
		return nil, notFound("Failed to append to directory " + p)
	case n.writer != "" && n.writer != client:
		return nil, beingCreated(p, n.writer)
	case !c.s.allowed(c.user, n, permWrite):
		return nil, accessDenied(c.user, "WRITE", n)
	}
	n.writer, n.refusals = client, c.s.opts.SlowComplete
	resp := enc{}
	if k := len(n.blocks); k > 0 && int64(len(n.blocks[k-1].data)) < n.blockSize {
		last := n.blocks[k-1]
		resp = resp.msg(1, c.s.locatedBlock(last, n.size()-int64(len(last.data))))
	}
	return resp.msg(2, c.s.fileStatus(n, "")), nil
}

// leased returns the file at src that client is writing, checking fileId
// when the request has one.
func (c *call) leased(p, client string, fileID uint64) (*node, error) {
	n, err := c.s.mustLookup(p)
	if err != nil {
		return nil, err
	}
	if n.isDir() || (fileID != 0 && n.id != fileID) {
		return nil, notFound("File does not exist: " + p + " (inode " + fmt.Sprint(fileID) + ")")
	}
	if n.writer != client {
		return nil, leaseExpired(p, client)
	}
	return n, nil
}

// addBlock gives the file a new block on the datanode: src 1, clientName 2,
// previous 3, fileId 5.
func (c *call) addBlock() (enc, error) {
	p, err := c.src(1)
	if err != nil {
		return nil, err
	}
	n, err := c.leased(p, c.req.str(2), c.req.uint(5))
	if err != nil {
		return nil, err
	}
	if prev, err := c.req.sub(3); err != nil {
		return nil, err
	} else if k := len(n.blocks); prev.has(2) && (k == 0 || n.blocks[k-1].id != prev.uint(2)) {
		return nil, ioError(fmt.Sprintf("addBlock %s: previous block %d is not the file's last block", p, prev.uint(2)))
	}
	if c.s.used >= c.s.opts.Capacity {
		return nil, ioError("File " + p + " could only be written to 0 of the 1 minReplication nodes: the datanode is full")
	}
	offset := n.size()
	c.s.lastBk++
	b := &block{id: c.s.lastBk, gen: 1001, file: n}
	c.s.blocks[b.id] = b
	n.blocks = append(n.blocks, b)
	return enc{}.msg(1, c.s.locatedBlock(b, offset)), nil
}

// blockOf finds the block an ExtendedBlockProto (field f) names, being
// written by client.
func (c *call) blockOf(f protowire.Number, client string) (*block, error) {
	eb, err := c.req.sub(f)
	if err != nil {
		return nil, err
	}
	b := c.s.blocks[eb.uint(2)]
	if b == nil {
		return nil, ioError(fmt.Sprintf("block %d does not exist", eb.uint(2)))
	}
	if b.file.writer != client {
		return nil, leaseExpired(b.file.path(), client)
	}
	return b, nil
}

// updateBlockForPipeline gives a block being written a new generation
// stamp; the client calls it as it finishes every block.
func (c *call) updateBlockForPipeline() (enc, error) {
	b, err := c.blockOf(1, c.req.str(2))
	if err != nil {
		return nil, err
	}
	b.gen++
	offset := int64(0)
	for _, fb := range b.file.blocks {
		if fb == b {
			break
		}
		offset += int64(len(fb.data))
	}
	return enc{}.msg(1, c.s.locatedBlock(b, offset)), nil
}

// complete closes a file: false while its last block is still being
// received (or SlowComplete says wait), true once it is closed — also
// when a retried complete finds it already closed.
func (c *call) complete() (enc, error) {
	p, n, err := c.node(1, true)
	if err != nil {
		return nil, err
	}
	if !n.isDir() && n.writer == "" {
		return enc{}.boolean(1, true), nil
	}
	if n, err = c.leased(p, c.req.str(2), c.req.uint(4)); err != nil {
		return nil, err
	}
	if k := len(n.blocks); k > 0 && !n.blocks[k-1].done {
		return enc{}.boolean(1, false), nil
	}
	if n.refusals > 0 {
		n.refusals--
		return enc{}.boolean(1, false), nil
	}
	n.writer = ""
	n.mtime = nowMillis()
	return enc{}.boolean(1, true), nil
}

// getBlockLocations lists the blocks of a file that overlap [offset,
// offset+length): src 1, offset 2, length 3.
func (c *call) getBlockLocations() (enc, error) {
	p, n, err := c.node(1, true)
	if err != nil {
		return nil, err
	}
	if n.isDir() {
		return nil, notFound("Path is not a file: " + p)
	}
	if !c.s.allowed(c.user, n, permRead) {
		return nil, accessDenied(c.user, "READ", n)
	}
	from, length := int64(c.req.uint(2)), int64(c.req.uint(3))
	if from < 0 || length < 0 {
		return nil, ioError(fmt.Sprintf("invalid range: offset %d, length %d", from, length))
	}
	size := n.size()
	// LocatedBlocksProto: fileLength 1, blocks 2, underConstruction 3,
	// isLastBlockComplete 5.
	locs := enc{}.varint(1, uint64(size))
	off := int64(0)
	for _, b := range n.blocks {
		end := off + int64(len(b.data))
		if end > from && off < from+length {
			locs = locs.msg(2, c.s.locatedBlock(b, off))
		}
		off = end
	}
	complete := n.writer == ""
	locs = locs.boolean(3, !complete).boolean(5, complete)
	n.atime = nowMillis()
	return enc{}.msg(1, locs), nil
}

// delete removes a path (recursive 2 for a non-empty directory); a missing
// path answers false.
func (c *call) delete() (enc, error) {
	p, n, err := c.node(1, false)
	if err != nil {
		return nil, err
	}
	if n == nil || n == c.s.root {
		return enc{}.boolean(1, false), nil
	}
	if n.isDir() && len(n.children) > 0 && !c.req.bool(2) {
		return nil, notEmpty(p)
	}
	if !c.s.allowed(c.user, n.parent, permWrite) {
		return nil, accessDenied(c.user, "WRITE", n.parent)
	}
	c.s.detach(n)
	return enc{}.boolean(1, true), nil
}

// rename is the old rename: into an existing directory, false instead of
// most errors.
func (c *call) rename() (enc, error) {
	src, dst := c.req.str(1), c.req.str(2)
	d, err := c.s.lookup(dst)
	if err != nil {
		return nil, err
	}
	if d != nil && d.isDir() {
		parts, _ := splitPath(src)
		if len(parts) > 0 {
			dst = strings.TrimSuffix(dst, "/") + "/" + parts[len(parts)-1]
		}
	}
	if err := c.move(src, dst, false); err != nil {
		if re, ok := err.(*remoteError); ok && re.class != "org.apache.hadoop.security.AccessControlException" {
			return enc{}.boolean(1, false), nil
		}
		return nil, err
	}
	return enc{}.boolean(1, true), nil
}

// rename2 moves src (1) to dst (2), replacing dst with overwriteDest (3).
func (c *call) rename2() (enc, error) {
	src, err := c.src(1)
	if err != nil {
		return nil, err
	}
	dst, err := c.src(2)
	if err != nil {
		return nil, err
	}
	return enc{}, c.move(src, dst, c.req.bool(3))
}

// move is rename2's semantics: dst's parent must exist; an existing dst is
// replaced only with overwrite, only by the same kind, and only if it is
// not a non-empty directory.
func (c *call) move(src, dst string, overwrite bool) error {
	n, err := c.s.mustLookup(src)
	if err != nil {
		return err
	}
	if n == c.s.root {
		return ioError("cannot rename the root directory")
	}
	dir, name, err := c.s.parentDir(dst, c.user, false)
	if err != nil {
		if re, ok := err.(*remoteError); ok && re.class == "java.io.FileNotFoundException" {
			return notFound("rename destination parent " + dst + " not found.")
		}
		return err
	}
	if isUnder(dir, n) {
		return ioError("Rename destination " + dst + " is a directory or file under source " + src)
	}
	if !c.s.allowed(c.user, n.parent, permWrite) {
		return accessDenied(c.user, "WRITE", n.parent)
	}
	if !c.s.allowed(c.user, dir, permWrite) {
		return accessDenied(c.user, "WRITE", dir)
	}
	if old := dir.children[name]; old != nil {
		switch {
		case old == n:
			return exists("The source " + src + " and destination " + dst + " are the same")
		case !overwrite:
			return exists("rename destination " + dst + " already exists")
		case old.isDir() != n.isDir():
			return ioError("Source " + src + " and destination " + dst + " must both be directories or both be files")
		case old.isDir() && len(old.children) > 0:
			return ioError("rename destination directory is not empty: " + dst)
		}
		c.s.detach(old)
	}
	delete(n.parent.children, n.name)
	now := nowMillis()
	n.parent.mtime = now
	n.parent, n.name = dir, name
	dir.children[name] = n
	dir.mtime = now
	return nil
}

// getFsStats reports capacity 1, used 2, remaining 3 and zero counts of
// under-replicated 4, corrupt 5 and missing 6 blocks.
func (c *call) getFsStats() (enc, error) {
	return enc{}.varint(1, uint64(c.s.opts.Capacity)).varint(2, uint64(c.s.used)).
		varint(3, c.s.remainingLocked()).varint(4, 0).varint(5, 0).varint(6, 0), nil
}

// getContentSummary counts a tree: length 1, fileCount 2, directoryCount
// 3, quota 4, spaceConsumed 5, spaceQuota 6 (no quotas: -1).
func (c *call) getContentSummary() (enc, error) {
	_, n, err := c.node(1, true)
	if err != nil {
		return nil, err
	}
	length, files, dirs := summary(n)
	noQuota := uint64(math.MaxUint64)
	cs := enc{}.varint(1, uint64(length)).varint(2, files).varint(3, dirs).
		varint(4, noQuota).varint(5, uint64(length)).varint(6, noQuota)
	return enc{}.msg(1, cs), nil
}

// getDatanodeReport lists the datanodes of a kind (type 1: ALL 1, LIVE
// 2, DEAD 3, …): the one datanode is live, none is dead.
func (c *call) getDatanodeReport() (enc, error) {
	switch c.req.uint(1) {
	case 0, 1, 2:
		return enc{}.msg(1, c.s.datanodeInfo()), nil
	}
	return enc{}, nil
}

// owned returns the node at src (field 1), which user must own.
func (c *call) owned() (*node, error) {
	_, n, err := c.node(1, true)
	if err != nil {
		return nil, err
	}
	if c.s.opts.Permissions && c.user != c.s.opts.Superuser && c.user != n.owner {
		return nil, accessDenied(c.user, "OWNER", n)
	}
	return n, nil
}

func (c *call) setPermission() (enc, error) {
	n, err := c.owned()
	if err != nil {
		return nil, err
	}
	perm, err := c.req.sub(2)
	if err != nil {
		return nil, err
	}
	n.perm = uint32(perm.uint(1)) & 0o7777
	return enc{}, nil
}

// setOwner changes username (2) and groupname (3); with permissions on,
// only the superuser may.
func (c *call) setOwner() (enc, error) {
	n, err := c.owned()
	if err != nil {
		return nil, err
	}
	if c.s.opts.Permissions && c.user != c.s.opts.Superuser {
		return nil, accessDenied(c.user, "SUPERUSER", n)
	}
	if u := c.req.str(2); u != "" {
		n.owner = u
	}
	if g := c.req.str(3); g != "" {
		n.group = g
	}
	return enc{}, nil
}

// setTimes sets mtime (2) and atime (3) in milliseconds; -1 keeps one.
func (c *call) setTimes() (enc, error) {
	n, err := c.owned()
	if err != nil {
		return nil, err
	}
	if m := int64(c.req.uint(2)); m != -1 {
		n.mtime = m
	}
	if a := int64(c.req.uint(3)); a != -1 {
		n.atime = a
	}
	return enc{}, nil
}
