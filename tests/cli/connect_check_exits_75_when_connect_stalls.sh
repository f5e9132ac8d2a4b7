#!/usr/bin/env bash
# connect -z --timeout 1s exits 75 when the handshake never completes.
source "$(dirname "$0")/../lib/lib.sh"

start_stalled_listener
EXPECT_TIMEOUT=10 expect_exit 75 "$VITNET" connect -z --timeout 1s "127.0.0.1:$STALL_PORT"
expect_empty "$OUT"
expect_contains "$ERR" "127.0.0.1:$STALL_PORT"
expect_contains "$ERR" "timed out"
expect_diagnostic "$ERR"
