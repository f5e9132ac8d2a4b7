#!/usr/bin/env bash
# Writing a response has the idle deadline too: a client that asks for a 64 MiB file and then
# reads nothing was held open indefinitely, past --idle-timeout. Now the connection is closed once
# a write makes no progress for that long; a client that reads, even slowly, is not cut off.
source "$(dirname "$0")/../lib/lib.sh"
mkdir "$T/site"
head -c $((64 << 20)) /dev/zero >"$T/site/big"
start_serve -v "http://127.0.0.1:0" --dir "$T/site" --idle-timeout 1s --workers 1
port=$(url_port "$URL")
bg python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
time.sleep(30)' "$port"
wait_until 6 grep -q "closed" "$SERVE_ERR" || { show "$SERVE_ERR"; fail "the stalled download was not cut off"; }

# Slow but steady: 64 MiB read at a pace that keeps every write under the deadline.
curl -s --max-time 30 --limit-rate 20M -o "$T/got" "$URL/big" || fail "the slow download failed"
[[ $(stat -c %s "$T/got") == $((64 << 20)) ]] || fail "the slow download got $(stat -c %s "$T/got") bytes"
