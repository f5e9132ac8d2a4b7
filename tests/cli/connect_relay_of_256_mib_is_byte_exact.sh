#!/usr/bin/env bash
# 256 MiB piped through connect into a stdio server that writes it to a file arrive intact (same
# sha256 at both ends), and both sides exit 0.
source "$(dirname "$0")/../lib/lib.sh"

start_serve 127.0.0.1:0

EXPECT_TIMEOUT=90 expect_exit 0 bash -c \
  'set -o pipefail; head -c 268435456 /dev/urandom | tee >(sha256sum >"$1/sent.sha") | "$2" connect "$3"' \
  _ "$T" "$VITNET" "$URL"
expect_empty "$OUT"
expect_serve_exit 0 30

wait_until 10 test -s "$T/sent.sha" || fail "no checksum of the sent data"
sent=$(cut -d' ' -f1 "$T/sent.sha")
received=$(sha256sum <"$SERVE_OUT" | cut -d' ' -f1)
size=$(stat -c %s "$SERVE_OUT")
[[ $size == 268435456 ]] || fail "received $size bytes, sent 268435456"
[[ $sent == "$received" ]] || fail "sha256 differs: sent $sent, received $received"
