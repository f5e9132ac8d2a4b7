#!/usr/bin/env bash
# socat as a client of `vitnet serve --echo`: 1 MB goes there and back intact.
source "$(dirname "$0")/../lib/lib.sh"

need socat
start_serve --echo 127.0.0.1:0
head -c 1000000 /dev/urandom >"$T/data"

# -t 5: after its stdin ends, socat waits up to 5 s for the rest of the echo.
expect_exit 0 socat -t 5 - "TCP:127.0.0.1:$(url_port "$URL")" <"$T/data"
cmp "$OUT" "$T/data" || fail "socat got back $(stat -c %s "$OUT") bytes that differ from the 1000000 sent"
expect_serve_exit 0
