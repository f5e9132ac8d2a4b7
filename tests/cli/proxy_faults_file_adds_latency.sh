#!/usr/bin/env bash
# --faults FILE: a latency fault from a file, only on the way up, delays a round trip by it.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

cat >"$T/faults.toml" <<'TOML'
# a slow request path
[[fault]]
kind = "latency"
latency = "300ms"
direction = "up"
TOML
start_serve -k --echo 127.0.0.1:0
start_proxy --json 127.0.0.1:0 --to "$URL" --faults "$T/faults.toml"

start=$(date +%s%N)
expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'ping\n')
took=$((($(date +%s%N) - start) / 1000000))
expect_content "$OUT" 'ping\n'
((took >= 280)) || fail "round trip took ${took}ms, expected at least 280ms"
((took < 2500)) || fail "round trip took ${took}ms, expected well under 2.5s"
[[ $(json_get "$PROXY_OUT" open faults) == '["latency"]' ]] || { show "$PROXY_OUT"; fail "open event does not list the latency fault"; }
