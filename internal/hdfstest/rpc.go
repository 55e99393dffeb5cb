package hdfstest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
)

// Hadoop RPC, as the client speaks it: the connection opens with "hrpc",
// version 9, service class and auth protocol (0: SIMPLE). Every packet
// after that is a big-endian uint32 length and varint-delimited messages:
// RpcRequestHeaderProto, then either IpcConnectionContextProto (call id
// -3, once) or RequestHeaderProto and the method's request. A response is
// RpcResponseHeaderProto and, on success, the method's response.

const (
	rpcVersion       = 9
	connectionCallID = -3
	maxRPCPacket     = 64 << 20 // Hadoop's ipc.maximum.data.length

	rpcSuccess = 0
	rpcError   = 1
	rpcFatal   = 2

	errApplication     = 1  // ERROR_APPLICATION
	errNoSuchMethod    = 2  // ERROR_NO_SUCH_METHOD
	errFatalBadRequest = 13 // FATAL_DESERIALIZING_REQUEST
)

// remoteError is a Java exception the namenode reports; the client maps
// some class names to os errors (FileNotFoundException to ErrNotExist…).
type remoteError struct {
	class, msg string
	code       int
}

func (e *remoteError) Error() string { return e.class + ": " + e.msg }

func exception(class, msg string) error {
	return &remoteError{class: class, msg: msg, code: errApplication}
}

func notFound(msg string) error { return exception("java.io.FileNotFoundException", msg) }
func exists(msg string) error {
	return exception("org.apache.hadoop.fs.FileAlreadyExistsException", msg)
}
func ioError(msg string) error { return exception("java.io.IOException", msg) }
func parentNotDir(msg string) error {
	return exception("org.apache.hadoop.fs.ParentNotDirectoryException", msg)
}
func notEmpty(p string) error {
	return exception("org.apache.hadoop.fs.PathIsNotEmptyDirectoryException", "`"+p+" is non empty': Directory is not empty")
}
func invalidPath(p, why string) error {
	return exception("org.apache.hadoop.fs.InvalidPathException", "Invalid path name "+p+": "+why)
}
func leaseExpired(p, client string) error {
	return exception("org.apache.hadoop.hdfs.server.namenode.LeaseExpiredException", "No lease on "+p+" held by "+client)
}
func beingCreated(p, holder string) error {
	return exception("org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException", p+" is being written by "+holder)
}
func accessDenied(user, access string, n *node) error {
	return exception("org.apache.hadoop.security.AccessControlException", fmt.Sprintf(
		"Permission denied: user=%s, access=%s, inode=%q:%s:%s:%#o", user, access, n.path(), n.owner, n.group, n.perm))
}

// serveRPC runs one client connection: the handshake, then calls answered
// in order. A malformed packet ends the connection with a FATAL response.
func (s *Server) serveRPC(conn net.Conn) {
	r := bufio.NewReader(conn)
	var hello [7]byte
	if _, err := io.ReadFull(r, hello[:]); err != nil {
		return
	}
	if string(hello[:4]) != "hrpc" || hello[4] != rpcVersion || hello[6] != 0 {
		// Wrong protocol, version, or SASL asked for: this server is SIMPLE only.
		writeResponse(conn, -1, nil, &remoteError{class: "org.apache.hadoop.ipc.RpcServerException",
			msg: fmt.Sprintf("unsupported connection header % x (want hrpc, version 9, SIMPLE auth)", hello), code: 14})
		return
	}
	user := ""
	for {
		packet, err := readPacket(r)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				writeResponse(conn, -1, nil, &remoteError{class: "org.apache.hadoop.ipc.RpcServerException", msg: err.Error(), code: errFatalBadRequest})
			}
			return
		}
		callID, method, body, err := splitCall(packet)
		if err != nil {
			writeResponse(conn, callID, nil, &remoteError{class: "org.apache.hadoop.ipc.RpcServerException", msg: err.Error(), code: errFatalBadRequest})
			return
		}
		if callID == connectionCallID {
			ctx, err := parse(body)
			if err == nil {
				var info msg
				info, err = ctx.sub(2) // userInfo
				user = info.str(1)     // effectiveUser
			}
			if err != nil || user == "" {
				writeResponse(conn, callID, nil, &remoteError{class: "org.apache.hadoop.security.AccessControlException", msg: "no user in the connection context", code: 15})
				return
			}
			continue
		}
		if callID < 0 {
			continue // a ping
		}
		if user == "" {
			writeResponse(conn, callID, nil, &remoteError{class: "org.apache.hadoop.ipc.RpcServerException", msg: "a call before the connection context", code: errFatalBadRequest})
			return
		}
		resp, err := s.dispatch(user, method, body)
		if err := writeResponse(conn, callID, resp, err); err != nil {
			return
		}
	}
}

// readPacket reads one length-prefixed RPC packet.
func readPacket(r io.Reader) ([]byte, error) {
	var size [4]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(size[:])
	if n > maxRPCPacket {
		return nil, fmt.Errorf("RPC packet of %d bytes exceeds %d", n, maxRPCPacket)
	}
	packet := make([]byte, n)
	if _, err := io.ReadFull(r, packet); err != nil {
		return nil, fmt.Errorf("truncated RPC packet: %w", err)
	}
	return packet, nil
}

// splitCall takes a request packet apart: the call id (RpcRequestHeaderProto
// field 3, sint32), the method name (RequestHeaderProto field 1) and the
// request's bytes. For the connection context, body is the context.
func splitCall(packet []byte) (callID int32, method string, body []byte, err error) {
	callID = -1
	b, rest, err := nextDelimited(packet)
	if err != nil {
		return callID, "", nil, err
	}
	header, err := parse(b)
	if err != nil {
		return callID, "", nil, fmt.Errorf("RPC request header: %w", err)
	}
	if !header.has(3) {
		return callID, "", nil, errors.New("RPC request header has no call id")
	}
	callID = int32(header.sint(3))
	b, rest, err = nextDelimited(rest)
	if err != nil {
		return callID, "", nil, err
	}
	if callID == connectionCallID {
		return callID, "", b, nil
	}
	reqHeader, err := parse(b)
	if err != nil {
		return callID, "", nil, fmt.Errorf("request header: %w", err)
	}
	if method = reqHeader.str(1); method == "" {
		return callID, "", nil, errors.New("request header has no method name")
	}
	if len(rest) == 0 {
		return callID, method, nil, nil // an empty request message may be left out
	}
	if body, rest, err = nextDelimited(rest); err != nil {
		return callID, "", nil, err
	}
	if len(rest) != 0 {
		return callID, "", nil, errors.New("trailing bytes after the request")
	}
	return callID, method, body, nil
}

// writeResponse sends the RpcResponseHeaderProto (callId 1, status 2,
// serverIpcVersionNum 3, exceptionClassName 4, errorMsg 5, errorDetail 6)
// and, on success, the response.
func writeResponse(w io.Writer, callID int32, resp enc, err error) error {
	header := enc{}.varint(1, uint64(uint32(callID)))
	if err == nil {
		header = header.varint(2, rpcSuccess).varint(3, rpcVersion)
	} else {
		var re *remoteError
		if !errors.As(err, &re) {
			re = &remoteError{class: "java.io.IOException", msg: err.Error(), code: errApplication}
		}
		status := rpcError
		if re.code > 9 {
			status = rpcFatal
		}
		header = header.varint(2, uint64(status)).varint(3, rpcVersion).
			str(4, re.class).str(5, re.msg).varint(6, uint64(re.code))
	}
	packet := delimited(header)
	if err == nil {
		packet = append(packet, delimited(resp)...)
	}
	out := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(packet)), uint32(len(packet)))
	_, werr := w.Write(append(out, packet...))
	return werr
}

// dispatch decodes a request and runs its method. A panic in a method is a
// bug here, reported to the client rather than taking the tests down.
func (s *Server) dispatch(user, method string, body []byte) (resp enc, err error) {
	h, ok := methods[method]
	if !ok {
		return nil, &remoteError{class: "org.apache.hadoop.ipc.RpcNoSuchMethodException",
			msg: "Unknown method " + method + " called on org.apache.hadoop.hdfs.protocol.ClientProtocol", code: errNoSuchMethod}
	}
	req, err := parse(body)
	if err != nil {
		return nil, ioError(method + ": " + err.Error())
	}
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, ioError(fmt.Sprintf("%s: hdfstest bug: %v", method, p))
		}
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	return h(&call{s: s, user: user, req: req})
}
