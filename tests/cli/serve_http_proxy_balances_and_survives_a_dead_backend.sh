#!/usr/bin/env bash
# serve --backend x3: round-robin over three backends; one is killed mid-test and no request fails
# (idempotent ones are retried on another backend); health checks take it out and, once it is
# back on its port, bring it back in. X-Forwarded-* reach the backend.
source "$(dirname "$0")/../lib/lib.sh"
need curl

backend() {  # backend NAME PORT
  cat >"$T/$1.toml" <<TOML
[[route]]
path = "/health"
body = "ok"
[[route]]
path = "/**"
body = "$1 {{path}} {{headers.x-forwarded-for}} {{headers.x-forwarded-proto}}"
TOML
  start_serve "http://127.0.0.1:$2" --routes "$T/$1.toml"
}
ports=()
pids=()
for name in a b c; do
  backend "$name" 0
  ports+=("$(url_port "$URL")")
  pids+=("$SERVE_PID")
done
start_serve "http://127.0.0.1:0" --backend "http://127.0.0.1:${ports[0]}" \
  --backend "http://127.0.0.1:${ports[1]}" --backend "http://127.0.0.1:${ports[2]}" \
  --health /health --health-interval 200ms
proxy=$URL
PROXY_PID=$SERVE_PID
for i in $(seq 1 30); do curl -sf "$proxy/hello" >>"$T/first" || fail "request $i failed"; echo >>"$T/first"; done
for name in a b c; do
  n=$(grep -c "^$name /hello 127.0.0.1 http" "$T/first")
  [[ $n == 10 ]] || fail "backend $name got $n of 30: $(sort "$T/first" | uniq -c)"
done
kill -9 "${pids[1]}"
wait "${pids[1]}" 2>/dev/null || true
for i in $(seq 1 30); do curl -sf "$proxy/after" >>"$T/second" || fail "request $i after the kill failed"; echo >>"$T/second"; done
grep -q '^b ' "$T/second" && fail "the dead backend answered"
# Back on the same port: the health checks find it within a few intervals.
backend b "${ports[1]}"
SERVE_PID_B=$SERVE_PID
sleep 1
for i in $(seq 1 30); do curl -sf "$proxy/back" >>"$T/third" || fail "request $i after the return failed"; echo >>"$T/third"; done
grep -q '^b /back' "$T/third" || fail "the returned backend gets no requests: $(sort "$T/third" | uniq -c)"
# Nobody left: 502, saying why.
kill "${pids[0]}" "${pids[2]}" "$SERVE_PID_B"
wait "${pids[0]}" "${pids[2]}" "$SERVE_PID_B" 2>/dev/null || true
code=$(curl -s -o "$T/bad" -w '%{http_code}' --max-time 5 "$proxy/x")
[[ $code == 502 ]] || fail "expected 502 with every backend gone, got $code"
grep -q "bad gateway" "$T/bad" || fail "the 502 does not say why: $(cat "$T/bad")"
