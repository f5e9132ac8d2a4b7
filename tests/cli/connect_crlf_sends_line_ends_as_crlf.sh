#!/usr/bin/env bash
# connect --crlf sends each LF of stdin as CR LF.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo 127.0.0.1:0

printf 'ab\ncd\n' >"$T/in"
expect_exit 0 "$VITNET" connect --crlf "$URL" <"$T/in"
expect_content "$OUT" 'ab\r\ncd\r\n'
