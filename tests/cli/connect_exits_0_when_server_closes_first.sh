#!/usr/bin/env bash
# When the server closes first, connect prints what it got and exits 0 although its stdin is open.
source "$(dirname "$0")/../lib/lib.sh"

echo 'bye' >"$T/serve.in"
SERVE_STDIN=$T/serve.in start_serve 127.0.0.1:0

open_fifo c_in "$T/c.in"
bg timeout 20 "$VITNET" connect "$URL" <"$T/c.in" >"$T/c.out" 2>"$T/c.err"
c_pid=$BG_PID

wait_exit "$c_pid" 5
[[ $WAIT_RC == 0 ]] || { show "$T/c.err"; fail "client exited $WAIT_RC"; }
expect_content "$T/c.out" 'bye\n'
expect_empty "$T/c.err"
expect_serve_exit 0
