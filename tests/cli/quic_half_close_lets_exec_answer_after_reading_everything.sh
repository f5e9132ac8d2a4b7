#!/usr/bin/env bash
# Half-close over quic://: the client sends 1 MB and ends its side (FIN at stdin's end); the
# server's `wc -c` reads to the end, answers with the count, and the client prints it and exits 0.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

start_quic --exec 'wc -c'
head -c 1048576 /dev/urandom >"$T/data"
expect_exit 0 "$VITNET" connect --pin "$PIN" "$URL" <"$T/data"
[[ $(tr -d ' \n' <"$OUT") == 1048576 ]] || { show "$OUT"; show "$ERR"; fail "the answer is not the byte count 1048576"; }
expect_serve_exit 0
