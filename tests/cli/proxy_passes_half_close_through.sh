#!/usr/bin/env bash
# A client's half-close reaches the upstream through the proxy, and the upstream's answer, sent
# after it, still comes back to the client.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_reply_after_eof_server 'answer after eof'
start_proxy 127.0.0.1:0 --to "127.0.0.1:$PY_PORT"

expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'question')
expect_content "$OUT" 'answer after eof'
wait_until 5 test -e "$T/py.received" || fail "the upstream never saw the end of the request"
expect_content "$T/py.received" 'question'
