#!/usr/bin/env bash
# SIGHUP re-reads the fault file: the next connection gets the new faults, the proxy says so, and a
# file that no longer reads keeps the faults in force, naming its line.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

printf '# nothing yet\n' >"$T/faults.toml"
start_serve -k --echo 127.0.0.1:0
start_proxy 127.0.0.1:0 --to "$URL" --faults "$T/faults.toml"

round_trip() {
  local start
  start=$(date +%s%N)
  expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'ping\n')
  expect_content "$OUT" 'ping\n'
  TOOK=$((($(date +%s%N) - start) / 1000000))
}
# The latency is large beside what starting `connect` costs, even under the sanitizers (a few
# hundred ms), so that before and after cannot be mistaken for each other.
round_trip
((TOOK < 900)) || fail "before the reload a round trip took ${TOOK}ms"

printf '[[fault]]\nkind = "latency"\nlatency = "1s"\ndirection = "down"\n' >"$T/faults.toml"
kill -HUP "$PROXY_PID"
wait_until 5 grep -q 'reloaded' "$PROXY_ERR" || { show "$PROXY_ERR"; fail "no reload message"; }
expect_contains "$PROXY_ERR" "vitnet: proxy: reloaded 1 fault from $T/faults.toml"
round_trip
((TOOK >= 980)) || fail "after the reload a round trip took ${TOOK}ms, expected at least 980ms"

printf '[[fault]]\nkind = "latency"\nlatency = "soon"\n' >"$T/faults.toml"
kill -HUP "$PROXY_PID"
wait_until 5 grep -q 'keeping the previous faults' "$PROXY_ERR" || { show "$PROXY_ERR"; fail "no reload error"; }
expect_contains "$PROXY_ERR" "$T/faults.toml:3: "
expect_running "$PROXY_PID" "the proxy"
round_trip
((TOOK >= 980)) || fail "a bad reload dropped the faults in force (round trip ${TOOK}ms)"
