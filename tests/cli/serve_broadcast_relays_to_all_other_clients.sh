#!/usr/bin/env bash
# serve --broadcast relays what one client sends to every other client, not back to the sender.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --broadcast -k --json 127.0.0.1:0

open_fifo a_in "$T/a.in"
open_fifo b_in "$T/b.in"
bg timeout 20 "$VITNET" connect "$URL" <"$T/a.in" >"$T/a.out" 2>"$T/a.err"
a_pid=$BG_PID
bg timeout 20 "$VITNET" connect "$URL" <"$T/b.in" >"$T/b.out" 2>"$T/b.err"
b_pid=$BG_PID
wait_until 5 has_lines 2 "$SERVE_OUT" '"event":"open"' || { show "$SERVE_OUT"; fail "two clients did not connect"; }

expect_exit 0 "$VITNET" connect --send 'message from c' "$URL" </dev/null

wait_until 5 grep -qF 'message from c' "$T/a.out" || fail "client a did not receive the broadcast"
wait_until 5 grep -qF 'message from c' "$T/b.out" || fail "client b did not receive the broadcast"
expect_empty "$OUT"   # nothing comes back to the sender

close_fifo "$a_in"
close_fifo "$b_in"
wait_exit "$a_pid" 5
[[ $WAIT_RC == 0 ]] || { show "$T/a.err"; fail "client a exited $WAIT_RC"; }
wait_exit "$b_pid" 5
[[ $WAIT_RC == 0 ]] || { show "$T/b.err"; fail "client b exited $WAIT_RC"; }
expect_content "$T/a.out" 'message from c'
expect_content "$T/b.out" 'message from c'
