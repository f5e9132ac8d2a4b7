#!/usr/bin/env bash
# connect --timeout 1s to a listener whose handshake never completes exits 75 after about 1 s.
source "$(dirname "$0")/../lib/lib.sh"

start_stalled_listener
start=$EPOCHREALTIME
EXPECT_TIMEOUT=10 expect_exit 75 "$VITNET" connect --timeout 1s "127.0.0.1:$STALL_PORT" </dev/null
elapsed=$(python3 -c 'import sys; print(float(sys.argv[2]) - float(sys.argv[1]))' "$start" "$EPOCHREALTIME")
python3 -c 'import sys; sys.exit(0 if 0.9 <= float(sys.argv[1]) < 5 else 1)' "$elapsed" || fail "gave up after ${elapsed}s, expected about 1s"
expect_empty "$OUT"
expect_contains "$ERR" "vitnet: connect: 127.0.0.1:$STALL_PORT: connection timed out"
expect_diagnostic "$ERR"
