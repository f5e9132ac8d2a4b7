#!/usr/bin/env bash
# serve http:// under a low descriptor limit (64) and no --max-conns: a cap taken from the limit,
# with descriptors in reserve, keeps the server answering. 60 idle clients do not lock out a new
# request: those past the cap get 503 with Retry-After, the log says the cap was hit, and once
# the idle clients leave requests are served again.
source "$(dirname "$0")/../lib/lib.sh"
need curl
need python3
need prlimit
mkdir "$T/www"
echo hello >"$T/www/index.html"
SERVE_PREFIX="prlimit --nofile=64:64" start_serve "http://127.0.0.1:0" --dir "$T/www" --workers 1
port=$(url_port "$URL")
python3 - "$port" "$T/hold.ready" "$T/hold.release" <<'PY' &
import socket, sys, time, os
port, ready, release = int(sys.argv[1]), sys.argv[2], sys.argv[3]
held = []
for _ in range(60):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    held.append(s)
open(ready, "w").write("ok")
deadline = time.time() + 30
while not os.path.exists(release) and time.time() < deadline:
    time.sleep(0.05)
for s in held:
    s.close()
PY
holder=$!
track "$holder"
wait_until 10 test -s "$T/hold.ready" || fail "the idle clients did not connect"
sleep 0.3
code=$(curl -s -D "$T/head" -o /dev/null -w '%{http_code}' --max-time 5 "$URL/")
[[ $code == 503 ]] || fail "past the cap a client should get 503 at once, got '$code'"
expect_contains "$T/head" "Retry-After:"
expect_contains "$SERVE_ERR" "turning clients away"
touch "$T/hold.release"
wait "$holder" || true
wait_until 5 sh -c "curl -sf --max-time 2 '$URL/' >/dev/null" || fail "no request served after the idle clients left"
expect_running "$SERVE_PID" "vitnet serve"
