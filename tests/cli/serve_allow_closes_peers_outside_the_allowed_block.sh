#!/usr/bin/env bash
# serve --allow CIDR closes peers outside CIDR at once (reject event "not_allowed") and serves peers
# inside it.
source "$(dirname "$0")/../lib/lib.sh"

start_serve 127.0.0.1:0 --echo -k --json --allow 127.0.0.2/32

# vitnet connect comes from 127.0.0.1: outside the allowed block.
EXPECT_TIMEOUT=3 expect_exit 0 "$VITNET" connect "$URL" </dev/null
expect_empty "$OUT"
wait_until 5 grep -q '"event":"reject"' "$SERVE_OUT" || { show "$SERVE_OUT"; fail "no reject event"; }
[[ $(json_get "$SERVE_OUT" reject reason) == not_allowed ]] || { show "$SERVE_OUT"; fail "reject reason is not not_allowed"; }
[[ $(json_get "$SERVE_OUT" reject peer) == 127.0.0.1:* ]] || { show "$SERVE_OUT"; fail "reject peer is not 127.0.0.1"; }

# From 127.0.0.2: echoed.
cat >"$T/client.py" <<'PY'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.2", 0))
s.settimeout(3)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"let me in\n")
s.shutdown(socket.SHUT_WR)
got = b""
while True:
    d = s.recv(100)
    if not d:
        break
    got += d
sys.stdout.write(got.decode())
PY
expect_exit 0 python3 "$T/client.py" "$(url_port "$URL")"
expect_content "$OUT" 'let me in\n'
