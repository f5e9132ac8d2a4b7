#!/usr/bin/env bash
# proxy --json: NDJSON on stdout — listening (url, upstream), then open (peer, upstream) and close
# with bytes_up, bytes_down, duration_s and reason for each connection.
source "$(dirname "$0")/../lib.sh"
# start_proxy ARGS... — `vitnet proxy ARGS --ready-file F` in the background, waited for (bounded)
# until it listens. Sets PURL (its URL), PROXY_PID, PROXY_OUT, PROXY_ERR.
start_proxy() {
  PROXY_OUT=$T/proxy.out PROXY_ERR=$T/proxy.err
  bg "$VITNET" proxy "$@" --ready-file "$T/proxy.ready" >"$PROXY_OUT" 2>"$PROXY_ERR"
  PROXY_PID=$BG_PID
  if ! wait_until 10 _ready_or_gone "$T/proxy.ready" "$PROXY_PID" || [[ ! -s $T/proxy.ready ]]; then
    show "$PROXY_ERR"
    fail "vitnet proxy $* did not start"
  fi
  PURL=$(head -n1 "$T/proxy.ready")
}

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
