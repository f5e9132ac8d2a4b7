#!/usr/bin/env bash
# --download FILE writes the body to FILE (byte for byte, nothing on stdout); stderr is not a
# terminal here, so no progress bar is drawn and stderr stays empty.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" connect --download "$T/got.bin" "http://127.0.0.1:$HTTP_PORT/bytes?n=300000"
expect_empty "$OUT"
expect_empty "$ERR"
python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); assert d == bytes(i % 256 for i in range(300000))' \
  "$T/got.bin" || fail "the downloaded file differs"
ls "$T" | grep -q '\.tmp\.' && fail "a temporary file was left behind"
true
