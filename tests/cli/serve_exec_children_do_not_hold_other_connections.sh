#!/usr/bin/env bash
# serve -k --exec: a child gets only its own connection. When the first connection ends, its
# peer sees the end at once, though the second connection's child (started later) still runs.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --exec cat tcp://127.0.0.1:0
port=$(url_port "$URL")
python3 - "$port" <<'PY' || fail "the first connection was held open"
import socket, sys, time
port = int(sys.argv[1])
a = socket.create_connection(("127.0.0.1", port), timeout=5)
a.sendall(b"a\n")
assert a.recv(10) == b"a\n"
b = socket.create_connection(("127.0.0.1", port), timeout=5)
b.sendall(b"b\n")
assert b.recv(10) == b"b\n"
a.shutdown(socket.SHUT_WR)
a.settimeout(2)
t0 = time.time()
assert a.recv(10) == b"", "data after the end"
assert time.time() - t0 < 1.5, "the end came late"
b.close()
PY
