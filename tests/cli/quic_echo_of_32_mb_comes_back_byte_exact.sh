#!/usr/bin/env bash
# 32 MB of random bytes through a quic:// echo server come back whole: the same sha256 as sent,
# and connect exits 0 once its stdin ended and the echo is complete.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

start_quic --echo
head -c 33554432 /dev/urandom >"$T/data"
EXPECT_TIMEOUT=60 expect_exit 0 "$VITNET" connect --pin "$PIN" "$URL" <"$T/data"
size=$(stat -c %s "$OUT")
[[ $size == 33554432 ]] || { show "$ERR"; fail "got $size bytes back, sent 33554432"; }
[[ $(sha_of "$OUT") == "$(sha_of "$T/data")" ]] || fail "the echo differs from what was sent"
