#!/usr/bin/env bash
# connect udp:// exits 0 about 1 s after the end of stdin when no answer comes.
source "$(dirname "$0")/../lib/lib.sh"

start_serve udp://127.0.0.1:0   # stdio mode: prints datagrams, answers nothing

start=$EPOCHREALTIME
EXPECT_TIMEOUT=10 expect_exit 0 "$VITNET" connect --send 'anyone there' "$URL" </dev/null
elapsed=$(python3 -c 'import sys; print(float(sys.argv[2]) - float(sys.argv[1]))' "$start" "$EPOCHREALTIME")
python3 -c 'import sys; sys.exit(0 if 0.8 <= float(sys.argv[1]) < 4 else 1)' "$elapsed" \
  || fail "connect udp took ${elapsed}s to give up, expected about 1s"
expect_empty "$OUT"
wait_until 5 grep -q 'anyone there' "$SERVE_OUT" || fail "the datagram did not arrive"
