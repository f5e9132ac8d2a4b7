#!/usr/bin/env bash
# connect --idle-timeout 500ms exits 75 when nothing moves either way for that long.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo 127.0.0.1:0

open_fifo c_in "$T/c.in"
start=$EPOCHREALTIME
EXPECT_TIMEOUT=10 expect_exit 75 "$VITNET" connect --idle-timeout 500ms "$URL" <"$T/c.in"
elapsed=$(python3 -c 'import sys; print(float(sys.argv[2]) - float(sys.argv[1]))' "$start" "$EPOCHREALTIME")
python3 -c 'import sys; sys.exit(0 if 0.4 <= float(sys.argv[1]) < 5 else 1)' "$elapsed" || fail "gave up after ${elapsed}s"
expect_empty "$OUT"
expect_contains "$ERR" "idle"
expect_contains "$ERR" "500ms"
expect_diagnostic "$ERR"
