#!/usr/bin/env bash
# connect half-closes at the end of stdin and keeps reading: a server that answers only after EOF is
# heard, and connect exits 0 when it closes.
source "$(dirname "$0")/../lib/lib.sh"

start_reply_after_eof_server 'answer after eof'

echo 'question' >"$T/in"
expect_exit 0 "$VITNET" connect "127.0.0.1:$PY_PORT" <"$T/in"
expect_content "$OUT" 'answer after eof'
expect_empty "$ERR"
expect_content "$T/py.received" 'question\n'
