#!/usr/bin/env bash
# A server that drops the query: resolve tries --retries more times, each waiting --timeout, then
# exits 75 saying how long it waited; it does not wait longer than that.
source "$(dirname "$0")/../lib/lib.sh"

start_dns_server --fault 'drop'
start=$(date +%s%N)
expect_exit 75 "$VITNET" resolve www.example.test A -s "$DNS_SERVER" --timeout 300ms --retries 1
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_contains "$ERR" "no answer within 300ms (2 tries)"
expect_diagnostic "$ERR"
(( elapsed_ms >= 550 && elapsed_ms < 5000 )) || fail "took ${elapsed_ms}ms, expected about 600ms"
# Both tries reached the server, which logged them as dropped.
[[ $(grep -c "www.example.test. A DROPPED" "$SERVE_OUT") == 2 ]] || { show "$SERVE_OUT"; fail "expected 2 dropped queries"; }
