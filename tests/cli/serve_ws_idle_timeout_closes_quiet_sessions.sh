#!/usr/bin/env bash
# --idle-timeout applies to WebSocket sessions too (it was ignored for ws://): a session where
# nothing moves for that long is closed with 1001 "idle timeout"; one that keeps talking is not.
source "$(dirname "$0")/../lib/lib.sh"
start_serve -k --echo --idle-timeout 1s "ws://127.0.0.1:0"

open_fifo quiet "$T/quiet.in"
bg "$VITNET" connect -v "$URL" <"$T/quiet.in" >"$T/quiet.out" 2>"$T/quiet.err"
client=$BG_PID
wait_exit "$client" 6 || fail "the quiet client was not closed within 6s: $(cat "$T/quiet.err")"
expect_contains "$T/quiet.err" "1001"
close_fifo "$quiet"

# A client that sends every 0.4 s for 3 s stays connected throughout.
(for i in 1 2 3 4 5 6 7; do echo "tick $i"; sleep 0.4; done) |
  timeout 15 "$VITNET" connect --linger 300ms "$URL" >"$T/busy.out" 2>"$T/busy.err" ||
  fail "the busy client failed: $(cat "$T/busy.err")"
[[ $(wc -l <"$T/busy.out") == 7 ]] || fail "the busy client got $(wc -l <"$T/busy.out") echoes of 7"
