#!/usr/bin/env bash
# serve --deny CIDR closes peers inside CIDR at once (reject event "denied"), even when --allow also
# covers them; other peers are served.
source "$(dirname "$0")/../lib/lib.sh"

start_serve 127.0.0.1:0 --echo -k --json --allow 127.0.0.0/8 --deny 127.0.0.2/32

# From 127.0.0.2 (denied): closed without a byte.
cat >"$T/client.py" <<'PY'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.2", 0))
s.settimeout(3)
s.connect(("127.0.0.1", int(sys.argv[1])))
got = b""
try:
    while True:
        d = s.recv(100)
        if not d:
            break
        got += d
except ConnectionResetError:
    pass
except socket.timeout:
    sys.exit("still open after 3s")
sys.exit(0 if got == b"" else f"received {got!r}")
PY
expect_exit 0 python3 "$T/client.py" "$(url_port "$URL")"
wait_until 5 grep -q '"event":"reject"' "$SERVE_OUT" || { show "$SERVE_OUT"; fail "no reject event"; }
[[ $(json_get "$SERVE_OUT" reject reason) == denied ]] || { show "$SERVE_OUT"; fail "reject reason is not denied"; }
[[ $(json_get "$SERVE_OUT" reject peer) == 127.0.0.2:* ]] || { show "$SERVE_OUT"; fail "reject peer is not 127.0.0.2"; }

# From 127.0.0.1 (allowed, not denied): echoed.
expect_exit 0 "$VITNET" connect --send 'welcome' "$URL"
expect_content "$OUT" 'welcome'
