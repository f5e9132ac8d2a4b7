#!/usr/bin/env bash
# A stream proxy mixes transports: it listens on a Unix socket and relays to TCP.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_serve -k --echo 127.0.0.1:0
start_proxy "unix://$T/proxy.sock" --to "$URL"
[[ $PURL == "unix://$T/proxy.sock" ]] || fail "proxy URL is '$PURL'"

expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'through a unix socket\n')
expect_content "$OUT" 'through a unix socket\n'
