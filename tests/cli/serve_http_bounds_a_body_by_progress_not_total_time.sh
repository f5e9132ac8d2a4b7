#!/usr/bin/env bash
# serve http://: the header timeout bounds each wait for the next part of a body, not the whole
# body. A 24-byte upload at 8 bytes every 0.4 s (longer in all than --header-timeout 1s) is
# answered; a client that stops sending its body is cut off with 408.
source "$(dirname "$0")/../lib/lib.sh"
need python3
cat >"$T/routes.toml" <<'TOML'
[[route]]
method = "POST"
path = "/up"
body = "got {{body}}"
TOML
start_serve "http://127.0.0.1:0" --routes "$T/routes.toml" --header-timeout 1s -q
python3 - "$(url_port "$URL")" <<'PY' || fail "slow upload"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 24\r\nConnection: close\r\n\r\n")
for part in (b"aaaaaaaa", b"bbbbbbbb", b"cccccccc"):
    time.sleep(0.4)
    s.sendall(part)
    time.sleep(0.4)
reply = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    reply += d
assert reply.startswith(b"HTTP/1.1 200"), reply[:100]
assert reply.endswith(b"got aaaaaaaabbbbbbbbcccccccc"), reply[-60:]
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 24\r\n\r\nabc")
start = time.time()
reply = s.recv(4096)
assert reply.startswith(b"HTTP/1.1 408"), reply[:100]
assert time.time() - start < 5
PY
