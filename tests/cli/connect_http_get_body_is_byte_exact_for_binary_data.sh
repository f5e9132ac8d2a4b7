#!/usr/bin/env bash
# connect http://... prints the body on stdout byte for byte: 1 MiB of random bytes served by
# python's http.server come out identical, with nothing on stderr.
source "$(dirname "$0")/../lib/lib.sh"
need python3

mkdir "$T/site"
head -c 1048576 /dev/urandom >"$T/site/blob.bin"
port=$(free_port)
bg python3 -m http.server "$port" --bind 127.0.0.1 --directory "$T/site"
wait_until 10 tcp_listening "$port" || fail "python's http.server did not start"

expect_exit 0 "$VITNET" connect "http://127.0.0.1:$port/blob.bin"
cmp -s "$OUT" "$T/site/blob.bin" || fail "the body on stdout differs from the file served"
expect_empty "$ERR"
