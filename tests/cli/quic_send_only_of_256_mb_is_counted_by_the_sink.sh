#!/usr/bin/env bash
# 256 MB sent with connect --send-only over quic:// into serve --sink --json all arrive: the
# server's close event counts 268435456 bytes in and 0 out, and both sides exit 0.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

start_quic --sink --json
size=268435456
EXPECT_TIMEOUT=100 expect_exit 0 bash -c 'head -c "$1" /dev/zero | "$2" connect --send-only --pin "$3" "$4"' \
  _ "$size" "$VITNET" "$PIN" "$URL"
expect_empty "$OUT"
expect_serve_exit 0 10

expect_ndjson "$SERVE_OUT"
[[ $(json_get "$SERVE_OUT" close bytes_in) == "$size" ]] || { show "$SERVE_OUT"; fail "bytes_in is not $size"; }
[[ $(json_get "$SERVE_OUT" close bytes_out) == 0 ]] || { show "$SERVE_OUT"; fail "bytes_out is not 0"; }
[[ $(json_get "$SERVE_OUT" close reason) == eof ]] || { show "$SERVE_OUT"; fail "close reason is not eof"; }
