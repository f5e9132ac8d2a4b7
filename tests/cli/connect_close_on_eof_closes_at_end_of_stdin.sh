#!/usr/bin/env bash
# connect --close-on-eof closes at the end of stdin without waiting for the reply a server sends after
# hearing EOF; it exits 0 and prints nothing.
source "$(dirname "$0")/../lib/lib.sh"

start_reply_after_eof_server 'too late'

echo 'question' >"$T/in"
EXPECT_TIMEOUT=5 expect_exit 0 "$VITNET" connect --close-on-eof "127.0.0.1:$PY_PORT" <"$T/in"
expect_empty "$OUT"
wait_until 5 test -e "$T/py.received" || fail "the server did not see the end of the stream"
expect_content "$T/py.received" 'question\n'
