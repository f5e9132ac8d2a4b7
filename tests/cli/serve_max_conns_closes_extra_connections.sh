#!/usr/bin/env bash
# serve -k --max-conns 1 closes a second concurrent connection at once (reject event max_conns) and
# keeps serving the first.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo -k --max-conns 1 --json 127.0.0.1:0

open_fifo a_in "$T/a.in"
bg timeout 20 "$VITNET" connect "$URL" <"$T/a.in" >"$T/a.out" 2>"$T/a.err"
a_pid=$BG_PID
wait_until 5 grep -q '"event":"open"' "$SERVE_OUT" || { show "$SERVE_OUT"; fail "first client did not connect"; }

EXPECT_TIMEOUT=3 expect_exit 0 "$VITNET" connect "$URL" </dev/null
expect_empty "$OUT"
wait_until 5 grep -q '"event":"reject"' "$SERVE_OUT" || { show "$SERVE_OUT"; fail "no reject event"; }
[[ $(json_get "$SERVE_OUT" reject reason) == max_conns ]] || { show "$SERVE_OUT"; fail "reject reason is not max_conns"; }
[[ $(json_get "$SERVE_OUT" reject peer) == 127.0.0.1:* ]] || { show "$SERVE_OUT"; fail "reject event has no peer"; }

echo 'still served' >&"$a_in"
close_fifo "$a_in"
wait_exit "$a_pid" 5
[[ $WAIT_RC == 0 ]] || { show "$T/a.err"; fail "first client exited $WAIT_RC"; }
expect_content "$T/a.out" 'still served\n'
