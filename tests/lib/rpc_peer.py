"""A small JSON-RPC 2.0 server for vitnet's rpc tests, on TCP or a Unix socket, ndjson or LSP
framing. Methods: subtract (by position or by name), fail (an error object), slow (never
answers), close (hangs up), ask METHOD (asks the client METHOD first and returns its answer),
noise (a line that is not JSON first). Notifications are appended to the log file.

usage: rpc_peer.py tcp|unix ADDRESS ndjson|lsp LOGFILE  (prints the port for tcp once listening)
"""
import json
import os
import socket
import sys
import threading

kind, address, framing, log = sys.argv[1:5]


def frames(sock):
    buf = b""

    def fill(enough):  # reads until enough(buf); False at the end of the stream
        nonlocal buf
        while not enough(buf):
            more = sock.recv(65536)
            if not more:
                return False
            buf += more
        return True

    while True:
        if framing == "ndjson":
            if not fill(lambda b: b"\n" in b):
                return
            line, buf = buf.split(b"\n", 1)
            if line.strip():
                yield line
        else:
            if not fill(lambda b: b"\r\n\r\n" in b):
                return
            head, buf = buf.split(b"\r\n\r\n", 1)
            field = [h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")][0]
            length = int(field.split(b":")[1])
            if not fill(lambda b: len(b) >= length):
                return
            yield buf[:length]
            buf = buf[length:]


def send(sock, message):
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    if framing == "ndjson":
        sock.sendall(body + b"\n")
    else:
        sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)


def serve(sock):
    incoming = frames(sock)
    for raw in incoming:
        msg = json.loads(raw)
        if "id" not in msg:
            with open(log, "a") as f:
                f.write(json.dumps(msg) + "\n")
            continue
        method, params, rid = msg["method"], msg.get("params"), msg["id"]
        if method == "subtract":
            a, b = (params["minuend"], params["subtrahend"]) if isinstance(params, dict) else params
            send(sock, {"jsonrpc": "2.0", "result": a - b, "id": rid})
        elif method == "fail":
            send(sock, {"jsonrpc": "2.0", "error": {"code": -32000, "message": "it failed", "data": [1]}, "id": rid})
        elif method == "slow":
            continue
        elif method == "close":
            sock.close()
            return
        elif method == "noise":
            if framing == "ndjson":
                sock.sendall(b"a log line, not JSON\n")
            send(sock, {"jsonrpc": "2.0", "method": "progress", "params": {"pct": 50}})
            send(sock, {"jsonrpc": "2.0", "result": "after noise", "id": rid})
        elif method == "ask":
            send(sock, {"jsonrpc": "2.0", "method": params[0], "params": {}, "id": "from-server"})
            answer = json.loads(next(incoming))
            send(sock, {"jsonrpc": "2.0", "result": answer, "id": rid})


if kind == "tcp":
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    print(srv.getsockname()[1], flush=True)
else:
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(address)
    print(address, flush=True)
srv.listen(16)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
