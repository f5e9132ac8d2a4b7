#!/usr/bin/env bash
# A UDP proxy relays each datagram to the upstream and the answers back to the client that sent it.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_serve --echo udp://127.0.0.1:0
start_proxy --json udp://127.0.0.1:0 --to "$URL"
[[ $PURL == udp://127.0.0.1:* ]] || fail "proxy URL is '$PURL'"

expect_exit 0 "$VITNET" connect --idle-timeout 500ms "$PURL" < <(printf 'one\ntwo\n')
expect_content "$OUT" 'one\ntwo\n'
[[ $(json_get "$PROXY_OUT" open upstream) == "$URL" ]] || { show "$PROXY_OUT"; fail "no open event naming the upstream"; }
