#!/usr/bin/env bash
# connect udp:// --raw sends one datagram per read of stdin, not one per line: a small file is one
# datagram.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo --json udp://127.0.0.1:0

printf 'a\nb\n' >"$T/in"
expect_exit 0 "$VITNET" connect --raw "$URL" <"$T/in"
expect_content "$OUT" 'a\nb\n'
wait_until 5 grep -q '"event":"datagram"' "$SERVE_OUT" || { show "$SERVE_OUT"; fail "no datagram event"; }
[[ $(grep -c '"event":"datagram"' "$SERVE_OUT") == 1 ]] || { show "$SERVE_OUT"; fail "expected one datagram"; }
[[ $(json_get "$SERVE_OUT" datagram bytes_in) == 4 ]] || { show "$SERVE_OUT"; fail "the datagram is not 4 bytes"; }
