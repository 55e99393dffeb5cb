package hdfstest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
)

// The data-transfer protocol: a connection carries one operation, a
// big-endian uint16 version (28), an op code and a varint-delimited
// Op*Proto, answered by a varint-delimited BlockOpResponseProto. Data then
// flows in packets: a uint32 length (of itself, the checksums and the
// data), a uint16 header length, the PacketHeaderProto, one checksum per
// chunk of bytesPerChecksum, and the data. Every packet written is acked
// with a PipelineAckProto.

const (
	dataTransferVersion = 28
	opWriteBlock        = 80
	opReadBlock         = 81
	maxPacketData       = 16 << 20
	readPacketSize      = 64 << 10
	stageAppend         = 0 // BlockConstructionStage PIPELINE_SETUP_APPEND
	stageCreate         = 6 // PIPELINE_SETUP_CREATE
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// serveData runs one datanode connection: one readBlock or writeBlock.
func (s *Server) serveData(conn net.Conn) {
	r := bufio.NewReader(conn)
	var hdr [3]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return
	}
	if v := binary.BigEndian.Uint16(hdr[:2]); v != dataTransferVersion {
		writeOpResponse(conn, statusError, fmt.Sprintf("data transfer version %d, want %d", v, dataTransferVersion))
		return
	}
	body, err := readDelimited(r, 1<<20)
	var op msg
	if err == nil {
		op, err = parse(body)
	}
	if err != nil {
		writeOpResponse(conn, statusInvalid, "malformed operation: "+err.Error())
		return
	}
	switch hdr[2] {
	case opWriteBlock:
		s.writeBlock(conn, r, op)
	case opReadBlock:
		s.readBlock(conn, op)
	default:
		writeOpResponse(conn, statusUnsupported, fmt.Sprintf("operation %d is not supported", hdr[2]))
	}
}

// writeOpResponse sends a BlockOpResponseProto: status 1, firstBadLink 2
// (always empty: there is no pipeline), message 5.
func writeOpResponse(w io.Writer, status uint64, message string) error {
	resp := enc{}.varint(1, status).str(2, "")
	if message != "" {
		resp = resp.str(5, message)
	}
	_, err := w.Write(delimited(resp))
	return err
}

// opBlock finds the block an operation names: header 1, its baseHeader 1,
// its ExtendedBlockProto block 1, blockId 2.
func (s *Server) opBlock(op msg) (*block, error) {
	h, err := op.sub(1)
	if err == nil {
		h, err = h.sub(1)
	}
	if err == nil {
		h, err = h.sub(1)
	}
	if err != nil {
		return nil, fmt.Errorf("operation header: %w", err)
	}
	s.mu.Lock()
	b := s.blocks[h.uint(2)]
	s.mu.Unlock()
	if b == nil {
		return nil, fmt.Errorf("replica of block %d not found", h.uint(2))
	}
	return b, nil
}

// readBlock sends the chunks covering [offset, offset+len) (OpReadBlockProto
// fields 2 and 3) with their CRC32C checksums, then an empty last packet.
func (s *Server) readBlock(conn net.Conn, op msg) {
	b, err := s.opBlock(op)
	if err != nil {
		writeOpResponse(conn, statusError, err.Error())
		return
	}
	s.mu.Lock()
	data := b.data // appends never touch the bytes already there
	s.mu.Unlock()
	size := uint64(len(data))
	offset, length := op.uint(2), op.uint(3)
	if offset > size {
		writeOpResponse(conn, statusInvalid, fmt.Sprintf("offset %d is beyond the block's %d bytes", offset, size))
		return
	}
	end := size
	if length < size-offset {
		end = offset + length
	}
	start := offset - offset%bytesPerChecksum // whole chunks only
	if rem := end % bytesPerChecksum; rem != 0 {
		end = min(end+bytesPerChecksum-rem, size)
	}
	// ReadOpChecksumInfoProto: checksum 1 (type 1, bytesPerChecksum 2),
	// chunkOffset 2.
	info := enc{}.msg(1, enc{}.varint(1, checksumCRC32C).varint(2, bytesPerChecksum)).varint(2, start)
	if _, err := conn.Write(delimited(enc{}.varint(1, statusSuccess).msg(4, info))); err != nil {
		return
	}
	w := bufio.NewWriterSize(conn, 2*readPacketSize)
	seq := int64(0)
	for pos := start; pos < end; pos += readPacketSize {
		if writePacket(w, int64(pos), seq, false, data[pos:min(pos+readPacketSize, end)]) != nil {
			return
		}
		seq++
	}
	if writePacket(w, int64(end), seq, true, nil) == nil {
		w.Flush()
	}
}

// writePacket sends one packet: PacketHeaderProto offsetInBlock 1, seqno 2,
// lastPacketInBlock 3, dataLen 4.
func writePacket(w io.Writer, offset, seqno int64, last bool, data []byte) error {
	header := enc{}.sfixed64(1, offset).sfixed64(2, seqno).boolean(3, last).sfixed32(4, int32(len(data)))
	chunks := (len(data) + bytesPerChecksum - 1) / bytesPerChecksum
	buf := make([]byte, 0, 6+len(header)+4*chunks+len(data))
	buf = binary.BigEndian.AppendUint32(buf, uint32(4+4*chunks+len(data)))
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(header)))
	buf = append(buf, header...)
	for i := 0; i < len(data); i += bytesPerChecksum {
		buf = binary.BigEndian.AppendUint32(buf, crc32.Checksum(data[i:min(i+bytesPerChecksum, len(data))], castagnoli))
	}
	_, err := w.Write(append(buf, data...))
	return err
}

// packet is one packet a client wrote.
type packet struct {
	offset, seqno int64
	last          bool
	sums, data    []byte
}

// readDataPacket reads one packet of a block being written.
func readDataPacket(r io.Reader) (packet, error) {
	var pre [6]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return packet{}, err
	}
	size, hlen := binary.BigEndian.Uint32(pre[:4]), binary.BigEndian.Uint16(pre[4:])
	if size < 4 || size-4 > maxPacketData {
		return packet{}, fmt.Errorf("bad packet length %d", size)
	}
	buf := make([]byte, int(hlen)+int(size)-4)
	if _, err := io.ReadFull(r, buf); err != nil {
		return packet{}, fmt.Errorf("truncated packet: %w", err)
	}
	h, err := parse(buf[:hlen])
	if err != nil {
		return packet{}, fmt.Errorf("packet header: %w", err)
	}
	p := packet{offset: int64(h.uint(1)), seqno: int64(h.uint(2)), last: h.bool(3)}
	payload := buf[hlen:]
	n := int64(int32(h.uint(4))) // dataLen
	if n < 0 || n > int64(len(payload)) {
		return p, fmt.Errorf("packet %d: data length %d, payload %d bytes", p.seqno, n, len(payload))
	}
	p.sums, p.data = payload[:int64(len(payload))-n], payload[int64(len(payload))-n:]
	return p, nil
}

// verify checks a packet's chunk checksums of the requested type.
func verify(p packet, typ, chunk uint64) bool {
	if typ == checksumNull {
		return len(p.sums) == 0
	}
	tab := castagnoli
	if typ == checksumCRC32 {
		tab = crc32.IEEETable
	}
	n := (uint64(len(p.data)) + chunk - 1) / chunk
	if uint64(len(p.sums)) != 4*n {
		return false
	}
	for i := uint64(0); i < n; i++ {
		c := p.data[i*chunk : min((i+1)*chunk, uint64(len(p.data)))]
		if crc32.Checksum(c, tab) != binary.BigEndian.Uint32(p.sums[4*i:]) {
			return false
		}
	}
	return true
}

// writeBlock receives a block (OpWriteBlockProto: stage 4,
// requestedChecksum 9), storing each packet's data and acking it.
func (s *Server) writeBlock(conn net.Conn, r *bufio.Reader, op msg) {
	b, err := s.opBlock(op)
	if err != nil {
		writeOpResponse(conn, statusError, err.Error())
		return
	}
	sum, err := op.sub(9)
	typ, chunk := sum.uint(1), sum.uint(2)
	if err != nil || typ > checksumCRC32C || chunk == 0 || chunk > 1<<20 {
		writeOpResponse(conn, statusInvalid, fmt.Sprintf("unsupported checksum: type %d, %d bytes per checksum", typ, chunk))
		return
	}
	s.mu.Lock()
	stage, have := op.uint(4), len(b.data)
	if (stage == stageCreate && have == 0) || stage == stageAppend {
		b.done = false
		err = nil
	} else if stage == stageCreate {
		err = fmt.Errorf("block %d already has %d bytes", b.id, have)
	} else {
		err = fmt.Errorf("block construction stage %d is not supported", stage)
	}
	s.mu.Unlock()
	if err != nil {
		writeOpResponse(conn, statusExists, err.Error())
		return
	}
	if writeOpResponse(conn, statusSuccess, "") != nil {
		return
	}
	for {
		p, err := readDataPacket(r)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				writeAck(conn, p.seqno, statusError)
			}
			return
		}
		status := uint64(statusSuccess)
		if !verify(p, typ, chunk) {
			status = statusChecksum
		} else if p.seqno != -1 { // -1 is a heartbeat
			status = s.store(b, p)
		}
		if writeAck(conn, p.seqno, status) != nil || status != statusSuccess || p.last {
			return
		}
	}
}

// store appends a packet's data to its block; the block's last packet
// completes it.
func (s *Server) store(b *block, p packet) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	size := int64(len(b.data))
	switch {
	case s.blocks[b.id] != b:
		return statusError // deleted while being written
	case p.offset != size:
		return statusInvalid
	case size+int64(len(p.data)) > b.file.blockSize:
		return statusInvalid
	case s.used+int64(len(p.data)) > s.opts.Capacity:
		return statusError // out of space
	}
	b.data = append(b.data, p.data...)
	s.used += int64(len(p.data))
	if p.last {
		b.done = true
	}
	return statusSuccess
}

// writeAck sends a PipelineAckProto: seqno 1 (sint64), reply 2.
func writeAck(w io.Writer, seqno int64, status uint64) error {
	_, err := w.Write(delimited(enc{}.sint(1, seqno).varint(2, status)))
	return err
}
