#!/usr/bin/env bash
# socat as a UDP client of a UDP proxy in front of `vitnet serve --echo udp://`: the datagram comes
# back through the proxy's per-client upstream socket.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

need socat
start_serve --echo udp://127.0.0.1:0
start_proxy udp://127.0.0.1:0 --to "$URL" --latency 50ms

expect_exit 0 socat -t 1 - "UDP:127.0.0.1:$(url_port "$PURL")" < <(printf 'datagram via socat\n')
expect_content "$OUT" 'datagram via socat\n'
