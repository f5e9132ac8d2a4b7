#!/usr/bin/env bash
# connect --recv-only prints what the peer sends and sends nothing from stdin.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --reply 'news' --json 127.0.0.1:0

echo 'must not be sent' >"$T/in"
expect_exit 0 "$VITNET" connect --recv-only "$URL" <"$T/in"
expect_content "$OUT" 'news'
expect_serve_exit 0
[[ $(json_get "$SERVE_OUT" close bytes_in) == 0 ]] || { show "$SERVE_OUT"; fail "--recv-only sent bytes"; }
