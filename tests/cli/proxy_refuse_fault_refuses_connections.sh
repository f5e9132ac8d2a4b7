#!/usr/bin/env bash
# A refuse fault for every connection closes the proxy's listener, so clients are refused by the
# kernel (69, "connection refused"); reloading a file without it lets them in again.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

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
