package probe

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/beamline/beamline/internal/hdfs"
)

// The github.com/colinmarc/hdfs/v2 client has no call for the namenode's
// datanode report (ClientProtocol.getDatanodeReport, what `hdfs dfsadmin
// -report` and the JMX NumLiveDataNodes count), and its RPC layer is an
// internal package. datanodes makes that one call itself over Hadoop RPC
// with SIMPLE authentication, as the client does: the connection header
// ("hrpc", version 9, service class 0, auth 0), the connection context,
// then length-prefixed packets of varint-delimited protobuf messages.

const (
	clientProtocol  = "org.apache.hadoop.hdfs.protocol.ClientProtocol"
	rpcKindProtobuf = 2  // RpcKindProto.RPC_PROTOCOL_BUFFER
	contextCallID   = -3 // the connection context's call id
	reportLive      = 2  // DatanodeReportTypeProto.LIVE
	reportDead      = 3  // DatanodeReportTypeProto.DEAD
	maxResponse     = 64 << 20
)

// datanodes returns how many datanodes the namenode counts live and dead,
// trying its addresses in turn.
func datanodes(ctx context.Context, nn hdfs.Namenode) (live, dead int, err error) {
	if len(nn.Addrs) == 0 {
		return 0, 0, errors.New("getDatanodeReport: no namenode address")
	}
	for _, addr := range nn.Addrs {
		live, dead, err = datanodesAt(ctx, addr, nn.User, nn.Timeout)
		if err == nil {
			return live, dead, nil
		}
	}
	return 0, 0, err
}

func datanodesAt(ctx context.Context, addr, user string, timeout time.Duration) (live, dead int, err error) {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	d := net.Dialer{Deadline: deadline}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return 0, 0, fmt.Errorf("getDatanodeReport: %w", err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return 0, 0, err
	}
	c := &rpcConn{w: conn, r: bufio.NewReader(conn)}
	if err := c.handshake(user); err != nil {
		return 0, 0, fmt.Errorf("getDatanodeReport on %s: %w", addr, err)
	}
	for i, kind := range []uint64{reportLive, reportDead} {
		n, err := c.countReport(int32(i), kind)
		if err != nil {
			return 0, 0, fmt.Errorf("getDatanodeReport on %s: %w", addr, err)
		}
		if kind == reportLive {
			live = n
		} else {
			dead = n
		}
	}
	return live, dead, nil
}

// rpcConn is one Hadoop RPC connection to a namenode.
type rpcConn struct {
	w        io.Writer
	r        *bufio.Reader
	clientID []byte
}

func (c *rpcConn) handshake(user string) error {
	c.clientID = make([]byte, 16)
	rand.Read(c.clientID)
	hello := []byte{'h', 'r', 'p', 'c', 9, 0, 0}                 // version 9, service class 0, SIMPLE
	userInfo := protowire.AppendTag(nil, 1, protowire.BytesType) // effectiveUser
	userInfo = protowire.AppendString(userInfo, user)
	var ctx []byte
	ctx = protowire.AppendTag(ctx, 2, protowire.BytesType) // userInfo
	ctx = protowire.AppendBytes(ctx, userInfo)
	ctx = protowire.AppendTag(ctx, 3, protowire.BytesType) // protocol
	ctx = protowire.AppendString(ctx, clientProtocol)
	packet := append(delimited(c.header(contextCallID)), delimited(ctx)...)
	_, err := c.w.Write(append(hello, framed(packet)...))
	return err
}

// header is an RpcRequestHeaderProto: rpcKind 1, rpcOp 2 (final packet),
// callId 3, clientId 4, retryCount 5.
func (c *rpcConn) header(callID int32) []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, rpcKindProtobuf)
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, 0)
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	b = protowire.AppendVarint(b, protowire.EncodeZigZag(int64(callID)))
	b = protowire.AppendTag(b, 4, protowire.BytesType)
	b = protowire.AppendBytes(b, c.clientID)
	b = protowire.AppendTag(b, 5, protowire.VarintType)
	return protowire.AppendVarint(b, protowire.EncodeZigZag(-1))
}

// countReport calls getDatanodeReport for one kind of datanode and counts
// the DatanodeInfoProtos (field 1) of the answer.
func (c *rpcConn) countReport(callID int32, kind uint64) (int, error) {
	var req []byte // RequestHeaderProto: methodName 1, declaringClassProtocolName 2, clientProtocolVersion 3
	req = protowire.AppendTag(req, 1, protowire.BytesType)
	req = protowire.AppendString(req, "getDatanodeReport")
	req = protowire.AppendTag(req, 2, protowire.BytesType)
	req = protowire.AppendString(req, clientProtocol)
	req = protowire.AppendTag(req, 3, protowire.VarintType)
	req = protowire.AppendVarint(req, 1)
	var body []byte // GetDatanodeReportRequestProto: type 1
	body = protowire.AppendTag(body, 1, protowire.VarintType)
	body = protowire.AppendVarint(body, kind)
	packet := append(append(delimited(c.header(callID)), delimited(req)...), delimited(body)...)
	if _, err := c.w.Write(framed(packet)); err != nil {
		return 0, err
	}
	resp, err := c.response(callID)
	if err != nil {
		return 0, err
	}
	n := 0
	err = fields(resp, func(num protowire.Number, _ protowire.Type, _ []byte, _ uint64) {
		if num == 1 {
			n++
		}
	})
	return n, err
}

// response reads the answer to callID: an RpcResponseHeaderProto (callId
// 1, status 2, exceptionClassName 4, errorMsg 5) and, on success, the
// method's response message.
func (c *rpcConn) response(callID int32) ([]byte, error) {
	var size [4]byte
	if _, err := io.ReadFull(c.r, size[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(size[:])
	if n > maxResponse {
		return nil, fmt.Errorf("response of %d bytes exceeds %d", n, maxResponse)
	}
	packet := make([]byte, n)
	if _, err := io.ReadFull(c.r, packet); err != nil {
		return nil, err
	}
	head, rest, err := nextDelimited(packet)
	if err != nil {
		return nil, err
	}
	var (
		gotID           int64 = -1
		status          uint64
		class, errorMsg string
	)
	err = fields(head, func(num protowire.Number, typ protowire.Type, b []byte, v uint64) {
		switch num {
		case 1:
			gotID = int64(int32(uint32(v)))
		case 2:
			status = v
		case 4:
			class = string(b)
		case 5:
			errorMsg = string(b)
		}
	})
	if err != nil {
		return nil, err
	}
	if status != 0 {
		msg, _, _ := strings.Cut(errorMsg, "\n")
		return nil, fmt.Errorf("%s: %s", class, msg)
	}
	if gotID != int64(callID) {
		return nil, fmt.Errorf("answer to call %d, want %d", gotID, callID)
	}
	if len(rest) == 0 {
		return nil, nil // an empty message may be left out
	}
	body, _, err := nextDelimited(rest)
	return body, err
}

// fields calls fn with each field of a protobuf message: its bytes for
// length-delimited fields, its value for varints.
func fields(m []byte, fn func(num protowire.Number, typ protowire.Type, b []byte, v uint64)) error {
	for len(m) > 0 {
		num, typ, n := protowire.ConsumeTag(m)
		if n < 0 {
			return protowire.ParseError(n)
		}
		m = m[n:]
		var (
			b []byte
			v uint64
		)
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(m)
		case protowire.BytesType:
			b, n = protowire.ConsumeBytes(m)
		default:
			n = protowire.ConsumeFieldValue(num, typ, m)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		m = m[n:]
		fn(num, typ, b, v)
	}
	return nil
}

func delimited(m []byte) []byte { return protowire.AppendBytes(nil, m) }

func framed(packet []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(packet))), packet...)
}

func nextDelimited(b []byte) (m, rest []byte, err error) {
	m, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return nil, nil, fmt.Errorf("malformed RPC response: %w", protowire.ParseError(n))
	}
	return m, b[n:], nil
}
