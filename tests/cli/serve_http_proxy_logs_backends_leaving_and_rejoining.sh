#!/usr/bin/env bash
# serve --backend without health checks: a backend that fails is taken out of the rotation with a
# log line, and when its pause is over and it is back in, a line says so too.
source "$(dirname "$0")/../lib/lib.sh"
need curl
cat >"$T/routes.toml" <<'TOML'
[[route]]
path = "/**"
body = "ok\n"
TOML
start_serve "http://127.0.0.1:0" --routes "$T/routes.toml" -q
port=$(url_port "$URL")
backend_pid=$SERVE_PID
start_serve "http://127.0.0.1:0" --backend "http://127.0.0.1:$port"
proxy=$URL
proxy_err=$SERVE_ERR
curl -sf --max-time 5 "$proxy/a" >/dev/null || fail "the first request failed"
kill "$backend_pid"
wait "$backend_pid" 2>/dev/null || true
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$proxy/b")
[[ $code == 502 ]] || fail "expected 502 with the backend gone, got $code"
expect_contains "$proxy_err" "127.0.0.1:$port is out of the rotation"
start_serve "http://127.0.0.1:$port" --routes "$T/routes.toml" -q
sleep 10.2  # the pause a failed backend sits out
curl -sf --max-time 5 "$proxy/c" >/dev/null || fail "the backend did not come back"
expect_contains "$proxy_err" "127.0.0.1:$port is back in the rotation"
