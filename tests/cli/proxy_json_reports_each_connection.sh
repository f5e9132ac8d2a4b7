#!/usr/bin/env bash
# proxy --json: NDJSON on stdout — listening (url, upstream), then open (peer, upstream) and close
# with bytes_up, bytes_down, duration_s and reason for each connection.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_serve -k --echo 127.0.0.1:0
start_proxy --json 127.0.0.1:0 --to "$URL"
expect_contains "$PROXY_ERR" "vitnet: listening on $PURL"

expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'hello\n')
expect_content "$OUT" 'hello\n'
wait_until 5 grep -q '"event":"close"' "$PROXY_OUT" || { show "$PROXY_OUT"; fail "no close event"; }
expect_ndjson "$PROXY_OUT"
[[ $(head -n1 "$PROXY_OUT") == '{"event":"listening"'* ]] || { show "$PROXY_OUT"; fail "first line is not the listening event"; }
[[ $(json_get "$PROXY_OUT" listening url) == "$PURL" ]] || fail "listening url is not $PURL"
[[ $(json_get "$PROXY_OUT" listening upstream) == "$URL" ]] || fail "listening upstream is not $URL"
[[ $(json_get "$PROXY_OUT" open upstream) == "$URL" ]] || fail "open upstream is not $URL"
[[ $(json_get "$PROXY_OUT" close bytes_up) == 6 ]] || { show "$PROXY_OUT"; fail "bytes_up is not 6"; }
[[ $(json_get "$PROXY_OUT" close bytes_down) == 6 ]] || { show "$PROXY_OUT"; fail "bytes_down is not 6"; }
[[ $(json_get "$PROXY_OUT" close reason) == eof ]] || { show "$PROXY_OUT"; fail "reason is not eof"; }
json_get "$PROXY_OUT" close duration_s | grep -Eq '^[0-9.e-]+$' || fail "no duration_s"
