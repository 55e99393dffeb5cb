package hdfstest

import (
	"encoding/binary"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
)

// The messages are encoded and decoded by hand with protowire: the client's
// generated types are internal to it, and a second copy of them would clash
// in the protobuf registry. Field numbers are Hadoop's (hdfs.proto,
// ClientNamenodeProtocol.proto, datatransfer.proto, RpcHeader.proto).

// msg is a decoded protobuf message: the raw values of each field, in wire
// order. Accessors return the zero value for a missing or mistyped field.
type msg map[protowire.Number][]value

type value struct {
	typ protowire.Type
	n   uint64 // varint, fixed32 and fixed64 fields
	b   []byte // length-delimited fields
}

// parse decodes b without a schema; it fails only on malformed wire data.
func parse(b []byte) (msg, error) {
	m := msg{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, fmt.Errorf("malformed protobuf: %w", protowire.ParseError(n))
		}
		b = b[n:]
		v := value{typ: typ}
		switch typ {
		case protowire.VarintType:
			v.n, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(b)
			v.n = uint64(x)
		case protowire.Fixed64Type:
			v.n, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			v.b, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return nil, fmt.Errorf("malformed protobuf field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
		m[num] = append(m[num], v)
	}
	return m, nil
}

func (m msg) last(f protowire.Number) (value, bool) {
	vs := m[f]
	if len(vs) == 0 {
		return value{}, false
	}
	return vs[len(vs)-1], true
}

func (m msg) has(f protowire.Number) bool { _, ok := m.last(f); return ok }

// uint returns an unsigned (or int32/int64/sfixed, after a conversion) field.
func (m msg) uint(f protowire.Number) uint64 {
	if v, ok := m.last(f); ok && v.typ != protowire.BytesType {
		return v.n
	}
	return 0
}

func (m msg) sint(f protowire.Number) int64 { return protowire.DecodeZigZag(m.uint(f)) }
func (m msg) bool(f protowire.Number) bool  { return m.uint(f) != 0 }

func (m msg) bytes(f protowire.Number) []byte {
	if v, ok := m.last(f); ok && v.typ == protowire.BytesType {
		return v.b
	}
	return nil
}

func (m msg) str(f protowire.Number) string { return string(m.bytes(f)) }

// sub decodes an embedded message; a missing one is empty.
func (m msg) sub(f protowire.Number) (msg, error) {
	sub, err := parse(m.bytes(f))
	if err != nil {
		return nil, fmt.Errorf("field %d: %w", f, err)
	}
	return sub, nil
}

// enc builds a protobuf message: enc{}.str(1, "a").varint(2, 3).
type enc []byte

func (e enc) varint(f protowire.Number, v uint64) enc {
	return protowire.AppendVarint(protowire.AppendTag(e, f, protowire.VarintType), v)
}

func (e enc) sint(f protowire.Number, v int64) enc { return e.varint(f, protowire.EncodeZigZag(v)) }

func (e enc) boolean(f protowire.Number, v bool) enc {
	return e.varint(f, protowire.EncodeBool(v))
}

func (e enc) bytes(f protowire.Number, v []byte) enc {
	return protowire.AppendBytes(protowire.AppendTag(e, f, protowire.BytesType), v)
}

func (e enc) str(f protowire.Number, s string) enc {
	return protowire.AppendString(protowire.AppendTag(e, f, protowire.BytesType), s)
}

func (e enc) msg(f protowire.Number, m enc) enc { return e.bytes(f, m) }

func (e enc) sfixed64(f protowire.Number, v int64) enc {
	return protowire.AppendFixed64(protowire.AppendTag(e, f, protowire.Fixed64Type), uint64(v))
}

func (e enc) sfixed32(f protowire.Number, v int32) enc {
	return protowire.AppendFixed32(protowire.AppendTag(e, f, protowire.Fixed32Type), uint32(v))
}

// delimited prefixes m with its varint length, as both protocols frame
// their messages.
func delimited(m enc) []byte {
	return append(protowire.AppendVarint(nil, uint64(len(m))), m...)
}

// readDelimited reads one varint-length-prefixed message of at most max
// bytes.
func readDelimited(r io.ByteReader, max uint64) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, fmt.Errorf("message of %d bytes exceeds %d", n, max)
	}
	b := make([]byte, n)
	for i := range b {
		if b[i], err = r.ReadByte(); err != nil {
			return nil, io.ErrUnexpectedEOF
		}
	}
	return b, nil
}

// nextDelimited splits one varint-length-prefixed message off b.
func nextDelimited(b []byte) (m, rest []byte, err error) {
	n, k := protowire.ConsumeVarint(b)
	if k < 0 || n > uint64(len(b)-k) {
		return nil, nil, fmt.Errorf("truncated message in RPC packet")
	}
	return b[k : k+int(n)], b[k+int(n):], nil
}

// Status codes of datatransfer.proto.
const (
	statusSuccess     = 0
	statusError       = 1
	statusChecksum    = 2
	statusInvalid     = 3
	statusExists      = 4
	statusUnsupported = 7
)

// Checksum types of hdfs.proto's ChecksumTypeProto.
const (
	checksumNull   = 0
	checksumCRC32  = 1
	checksumCRC32C = 2
)

// ExtendedBlockProto: poolId 1, blockId 2, generationStamp 3, numBytes 4.
func (s *Server) extendedBlock(b *block) enc {
	return enc{}.str(1, poolID).varint(2, b.id).varint(3, b.gen).varint(4, uint64(len(b.data)))
}

// DatanodeInfoProto around its DatanodeIDProto (ipAddr 1, hostName 2,
// datanodeUuid 3, xferPort 4, infoPort 5, ipcPort 6). The datanode serves
// no HTTP or IPC, so those ports are advertised as 0.
func (s *Server) datanodeInfo() enc {
	id := enc{}.str(1, "127.0.0.1").str(2, "localhost").str(3, datanodeUUID).
		varint(4, uint64(s.dnPort)).varint(5, 0).varint(6, 0)
	used := uint64(s.usedLocked())
	return enc{}.msg(1, id).
		varint(2, uint64(s.opts.Capacity)). // capacity
		varint(3, used).                    // dfsUsed
		varint(4, s.remainingLocked()).     // remaining
		varint(5, used).                    // blockPoolUsed
		varint(6, uint64(nowMillis())).     // lastUpdate
		str(8, "/default-rack").            // location
		varint(10, 0)                       // adminState NORMAL
}

// LocatedBlockProto: b 1, offset 2, locs 3, corrupt 4, blockToken 5,
// storageTypes 7, storageIDs 8. Tokens are empty: there is no security.
func (s *Server) locatedBlock(b *block, offset int64) enc {
	token := enc{}.bytes(1, nil).bytes(2, nil).str(3, "").str(4, "")
	return enc{}.msg(1, s.extendedBlock(b)).varint(2, uint64(offset)).
		msg(3, s.datanodeInfo()).boolean(4, false).msg(5, token).
		varint(7, 1 /* DISK */).str(8, storageID)
}

// fileStatus is an HdfsFileStatusProto; name is the path field, empty for
// getFileInfo and the child's name in listings.
func (s *Server) fileStatus(n *node, name string) enc {
	typ, repl, bs := uint64(2), uint64(0), uint64(0) // IS_FILE
	if n.isDir() {
		typ = 1 // IS_DIR
	} else {
		repl, bs = 1, uint64(n.blockSize)
	}
	e := enc{}.varint(1, typ).bytes(2, []byte(name)).varint(3, uint64(n.size())).
		msg(4, enc{}.varint(1, uint64(n.perm))).str(5, n.owner).str(6, n.group).
		varint(7, uint64(n.mtime)).varint(8, uint64(n.atime)).
		varint(10, repl).varint(11, bs).varint(13, n.id)
	if n.isDir() {
		e = e.varint(14, uint64(len(n.children))) // childrenNum
	}
	return e
}
