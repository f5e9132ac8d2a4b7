#!/usr/bin/env bash
# serve http:// limits: an oversized body gets 413, an oversized header section 431, a request
# that trickles in slower than --header-timeout gets 408 and the connection closes, a malformed
# request line 400.
source "$(dirname "$0")/../lib/lib.sh"

mkdir -p "$T/www"
echo hi >"$T/www/a.txt"
start_serve "http://127.0.0.1:0" --dir "$T/www" --max-body 100 --header-timeout 300ms
port=$(url_port "$URL")
python3 - "$port" <<'PY' || fail "limits"
import socket, sys, time
port = int(sys.argv[1])
def ask(data, pause=None, tail=b""):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(data)
    if pause:
        time.sleep(pause)
        try:
            s.sendall(tail)
        except OSError:
            pass
    out = b""
    while True:
        try:
            b = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not b:
            break
        out += b
    s.close()
    return out
r = ask(b"POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n" + b"x" * 101)
assert r.startswith(b"HTTP/1.1 413 "), r[:80]
r = ask(b"GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n")
assert r.startswith(b"HTTP/1.1 431 "), r[:80]
t0 = time.time()
r = ask(b"GET /a.txt HTTP/1.1\r\nHo", pause=1.0, tail=b"st: x\r\n\r\n")
assert r.startswith(b"HTTP/1.1 408 "), r[:80]
assert b"Connection: close" in r, r
r = ask(b"GET\r\n\r\n")
assert r.startswith(b"HTTP/1.1 400 "), r[:80]
# Pipelining: three requests in one write, three answers in order.
r = ask(b"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nHEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /none HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
assert r.count(b"HTTP/1.1 ") == 3, r
parts = r.split(b"HTTP/1.1 ")[1:]
assert parts[0].startswith(b"200") and parts[0].endswith(b"hi\n"), parts[0]
assert parts[1].startswith(b"200") and parts[1].endswith(b"\r\n\r\n"), parts[1]
assert parts[2].startswith(b"404"), parts[2]
PY
expect_running "$SERVE_PID" "vitnet serve"
