#!/usr/bin/env bash
# serve -k --echo parks idle connections between bursts (no coroutine while nothing arrives).
# What that must not change: 200 clients connect at once and stay idle, then each sends a line
# in two bursts a while apart and half-closes; every one gets exactly its line back, then the
# end of stream; the --json close events count the bytes both ways and say "eof"; and a large
# echo (4 MB, several bursts parked in between) comes back byte-exact.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --echo --json tcp://127.0.0.1:0
port=${URL##*:}
EXPECT_TIMEOUT=60 expect_exit 0 /usr/bin/python3 - "$port" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
socks = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(200)]
time.sleep(0.5)  # all idle: parked
for i, s in enumerate(socks):
    s.sendall(b"line %03d " % i)
time.sleep(0.3)  # parked again between the two halves
for i, s in enumerate(socks):
    s.sendall(b"of the echo\n")
    s.shutdown(socket.SHUT_WR)
for i, s in enumerate(socks):
    got = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        got += chunk
    want = b"line %03d of the echo\n" % i
    assert got == want, (i, got, want)
    s.close()
PY
wait_until 10 bash -c '[[ $(grep -c "\"event\":\"close\"" "$1") -ge 200 ]]' _ "$SERVE_OUT" ||
    { show "$SERVE_OUT"; fail "not 200 close events"; }
python3 - "$SERVE_OUT" <<'PY' || { show "$SERVE_OUT"; fail "the close events are wrong"; }
import json, sys
closes = [e for e in map(json.loads, open(sys.argv[1])) if e.get("event") == "close"]
assert len(closes) == 200, len(closes)
for e in closes:
    assert e["bytes_in"] == 21 and e["bytes_out"] == 21 and e["reason"] == "eof", e
PY
head -c 4194304 /dev/urandom >"$T/data"
EXPECT_TIMEOUT=60 expect_exit 0 "$VITNET" connect "$URL" <"$T/data"
cmp -s "$T/data" "$OUT" || fail "the 4 MB echo differs from what was sent"
