#!/usr/bin/env bash
# 4 MiB through the proxy to an echo server and back arrive intact (same sha256), with no fault.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_serve -k --echo 127.0.0.1:0
start_proxy 127.0.0.1:0 --to "$URL"

head -c 4194304 /dev/urandom >"$T/data"
EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" connect "$PURL" <"$T/data"
sent=$(sha256sum <"$T/data" | cut -d' ' -f1)
back=$(sha256sum <"$OUT" | cut -d' ' -f1)
[[ $(stat -c %s "$OUT") == 4194304 ]] || fail "got $(stat -c %s "$OUT") bytes back, sent 4194304"
[[ $sent == "$back" ]] || fail "sha256 differs: sent $sent, got back $back"
expect_running "$PROXY_PID" "the proxy"
