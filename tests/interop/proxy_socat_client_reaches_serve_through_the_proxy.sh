#!/usr/bin/env bash
# socat as a TCP client of the proxy, in front of `vitnet serve --echo`: its line comes back.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

need socat
start_serve -k --echo 127.0.0.1:0
start_proxy 127.0.0.1:0 --to "$URL" --jitter 20ms

expect_exit 0 socat -t 2 - "TCP:127.0.0.1:$(url_port "$PURL")" < <(printf 'line via socat\n')
expect_content "$OUT" 'line via socat\n'
