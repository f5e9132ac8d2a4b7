#!/usr/bin/env bash
# socat as a UDP client of `vitnet serve --echo udp://`: the datagram comes back to it.
source "$(dirname "$0")/../lib/lib.sh"

need socat
start_serve --echo udp://127.0.0.1:0

expect_exit 0 socat -t 1 - "UDP:127.0.0.1:$(url_port "$URL")" < <(printf 'datagram via socat\n')
expect_content "$OUT" 'datagram via socat\n'
