#!/usr/bin/env bash
# proxy relays bytes and does not speak HTTP: an http URL on either side is refused with 64 and a
# clear message, not relayed as raw TCP.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 64 "$VITNET" proxy 127.0.0.1:0 --to https://127.0.0.1:9/
expect_content "$ERR" "vitnet: proxy: https://127.0.0.1:9/: https URLs are not supported (the proxy relays tcp, tls, udp and unix)\n"

expect_exit 64 "$VITNET" proxy ws://127.0.0.1:0/ --to 127.0.0.1:9
expect_contains "$ERR" "ws URLs are not supported"
expect_diagnostic "$ERR"
