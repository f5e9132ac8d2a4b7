#!/usr/bin/env bash
# A refuse fault for every connection closes the proxy's listener, so clients are refused by the
# kernel (69, "connection refused"); reloading a file without it lets them in again.
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

printf '[[fault]]\nkind = "refuse"\n' >"$T/faults.toml"
start_serve -k --echo 127.0.0.1:0
start_proxy --json 127.0.0.1:0 --to "$URL" --faults "$T/faults.toml"

expect_exit 69 "$VITNET" connect -z --timeout 2s "$PURL"
expect_contains "$ERR" "connection refused"
wait_until 5 grep -q '"listening":false' "$PROXY_OUT" || { show "$PROXY_OUT"; fail "no refuse fault event"; }

printf '# no faults\n' >"$T/faults.toml"
kill -HUP "$PROXY_PID"
wait_until 5 grep -q '"listening":true' "$PROXY_OUT" || { show "$PROXY_OUT"; fail "the proxy did not listen again"; }
expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'let in\n')
expect_content "$OUT" 'let in\n'
