#!/usr/bin/env bash
# --keep-source: the proxy dials the upstream from its client's own address, so a server
# allowing only that address (here 127.0.0.7) still serves the client through the proxy.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_serve -k --echo --json --allow 127.0.0.7/32 127.0.0.1:0
start_proxy 127.0.0.1:0 --to "$URL" --keep-source

cat >"$T/client.py" <<'PY'
import socket, sys
s = socket.socket()
s.settimeout(5)
s.bind(("127.0.0.7", 0))
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"from seven\n")
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
sys.stdout.write(data.decode())
PY
expect_exit 0 python3 "$T/client.py" "$(url_port "$PURL")"
expect_content "$OUT" 'from seven\n'
[[ $(json_get "$SERVE_OUT" open peer) == 127.0.0.7:* ]] || { show "$SERVE_OUT"; fail "the server did not see the client's address"; }
