#!/usr/bin/env bash
# rpc serve unix:///PATH --framing lsp with a raw python client: each answer comes framed with a
# Content-Length equal to its body's length in bytes (multibyte text included), whether the
# requests came several in one write, one byte per write, or cut across writes; a body that is not
# JSON is answered -32700 and the connection goes on; a header block past 4 KiB, a Content-Length
# that is not a length, a header block without one and a length past --max-message each get one
# -32700 message, then the end of the connection; the server keeps serving.
source "$(dirname "$0")/../lib/lib.sh"
need python3
METHODS=$VITNET_SOURCE/examples/methods.toml
SOCK=$T/rpc.sock

start_rpc_serve "unix://$SOCK" --framing lsp --methods "$METHODS" --max-message 64K
[[ -S $SOCK ]] || fail "rpc serve made no socket at $SOCK"

cat >"$T/client.py" <<'PY'
import json, socket, sys, time

path = sys.argv[1]

def frame(message, extra=b""):
    body = json.dumps(message, ensure_ascii=False).encode()
    return b"Content-Length: %d\r\n%s\r\n" % (len(body), extra) + body

def call(method, id, params=None):
    m = {"jsonrpc": "2.0", "method": method, "id": id}
    if params is not None:
        m["params"] = params
    return frame(m)

def connect():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(path)
    return s

class Reader:
    """Reads LSP-framed messages, checking each header block strictly."""

    def __init__(self, s):
        self.s, self.buf, self.eof = s, b"", False

    def fill(self):
        chunk = self.s.recv(65536)
        if not chunk:
            self.eof = True
        self.buf += chunk

    def message(self):
        while b"\r\n\r\n" not in self.buf:
            assert not self.eof, f"the connection ended inside a header block: {self.buf!r}"
            self.fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        fields = dict(line.split(b": ", 1) for line in head.split(b"\r\n"))
        assert set(fields) <= {b"Content-Length", b"Content-Type"}, head
        length = int(fields[b"Content-Length"])
        while len(self.buf) < length:
            assert not self.eof, f"the connection ended inside a body of {length} bytes: {self.buf!r}"
            self.fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        message = json.loads(body)  # a wrong length leaves a body that is not JSON
        return message

    def ends(self):
        """True when the server closes with nothing more to read. A server that closes with some
        of our bytes unread makes the kernel report a reset after what it sent: an end too."""
        try:
            while not self.eof:
                self.fill()
        except ConnectionResetError:
            pass
        return self.buf == b""

def answers(reader, n):
    got = {}
    for _ in range(n):
        m = reader.message()
        got[m["id"]] = m
    return got

# Several messages in one write, one with a Content-Type header as LSP allows; multibyte text makes
# byte and character counts differ.
s = connect()
r = Reader(s)
s.sendall(call("greet", 1, {"name": "é✓😀"})
          + frame({"jsonrpc": "2.0", "method": "echo_pair", "params": ["ü", [1, None]], "id": 2},
                  b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n")
          + frame({"jsonrpc": "2.0", "method": "greet"})
          + call("divide_by_zero", 3, [9]))
got = answers(r, 3)
assert got[1]["result"] == "hello é✓😀 (call 1)", got
assert got[2]["result"] == [[1, None], "ü"], got
assert got[3]["error"] == {"code": -32010, "message": "division by zero", "data": {"dividend": 9}}, got

# One message, one byte per write.
for b in call("greet", 4, ["bytewise"]):
    s.send(bytes([b]))
    time.sleep(0.001)
assert r.message() == {"jsonrpc": "2.0", "id": 4, "result": "hello bytewise (call 3)"}

# Cut across writes: a whole message and half of the next, then the rest of it and a third.
a, b, c = call("echo_pair", 5, [1, 2]), call("greet", 6, {"name": "cut"}), call("version", 7)
for piece in (a + b[:9], b[9:30], b[30:] + c[:17], c[17:]):
    s.sendall(piece)
    time.sleep(0.05)
got = answers(r, 3)
assert got[5]["result"] == [2, 1] and got[6]["result"] == "hello cut (call 4)", got
assert got[7]["result"] == {"name": "calculator", "version": "1.0.0"}, got

# A well-framed body that is not JSON: -32700, and the connection goes on.
s.sendall(b"Content-Length: 5\r\n\r\n{not}" + call("greet", 8))
m = r.message()
assert m["id"] is None and m["error"]["code"] == -32700, m
assert r.message()["id"] == 8
s.close()

# Framing that cannot be read further: one -32700 message saying why, then the end.
def broken(data, why):
    s = connect()
    s.sendall(data)
    r = Reader(s)
    m = r.message()
    assert m["id"] is None and m["error"]["code"] == -32700, m
    assert why in m["error"]["message"], (why, m)
    assert r.ends(), f"more after the parse error: {r.buf!r}"
    s.close()

broken(b"X-Padding: " + b"p" * 5000 + b"\r\n", "header block longer than 4096 bytes")
broken(b"Content-Length: abc\r\n\r\n{}", "Content-Length 'abc' is not a length")
broken(b"Content-Length: -2\r\n\r\n{}", "is not a length")
broken(b"Content-Type: application/json\r\n\r\n{}", "without Content-Length")
broken(b"Content-Length: 100000\r\n\r\n{}", "more than 65536")

# The server still answers a new connection.
s = connect()
s.sendall(call("nothing", 9))
assert Reader(s).message() == {"jsonrpc": "2.0", "id": 9, "result": None}
s.close()
PY
EXPECT_TIMEOUT=30 expect_exit 0 python3 "$T/client.py" "$SOCK"
expect_running "$SERVE_PID" "rpc serve unix:// --framing lsp"
