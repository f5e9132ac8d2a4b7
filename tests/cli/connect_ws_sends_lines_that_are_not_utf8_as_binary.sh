#!/usr/bin/env bash
# A line of stdin that is not UTF-8 went out in a text frame, which RFC 6455 forbids (the server
# closed with 1007, node's ws too). It now goes as a binary message, byte for byte, with a
# warning; valid lines stay text.
source "$(dirname "$0")/../lib/lib.sh"
start_serve -k --echo "ws://127.0.0.1:0"
printf 'caf\xe9\nplain\n' >"$T/in"
expect_exit 0 "$VITNET" connect --linger 500ms "$URL" <"$T/in"
cmp "$OUT" "$T/in" || fail "the echo differs: $(od -c "$OUT" | head -3)"
expect_contains "$ERR" "1 line not UTF-8 went as binary message"
expect_not_contains "$SERVE_ERR" "1007"
