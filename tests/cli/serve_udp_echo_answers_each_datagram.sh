#!/usr/bin/env bash
# serve --echo on udp answers each datagram to its sender; connect sends one datagram per line and
# prints the answers.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo --json udp://127.0.0.1:0
[[ $URL == udp://127.0.0.1:* ]] || fail "ready file says '$URL'"

printf 'one\ntwo\n' >"$T/in"
expect_exit 0 "$VITNET" connect "$URL" <"$T/in"
expect_content "$OUT" 'one\ntwo\n'
expect_empty "$ERR"
wait_until 5 has_lines 2 "$SERVE_OUT" '"event":"datagram"' || { show "$SERVE_OUT"; fail "no two datagram events"; }
expect_running "$SERVE_PID" "udp serve --echo"
