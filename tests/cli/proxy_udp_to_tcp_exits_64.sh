#!/usr/bin/env bash
# A proxy relays streams to streams and udp to udp: a mix is a usage error (64) saying why.
source "$(dirname "$0")/../lib/lib.sh"
expect_exit 64 "$VITNET" proxy udp://127.0.0.1:0 --to tcp://127.0.0.1:9
expect_contains "$ERR" "both ends must be streams (tcp, tls, unix, quic) or both udp"
expect_diagnostic "$ERR"
expect_exit 64 "$VITNET" proxy 127.0.0.1:0 --to udp://127.0.0.1:9
expect_contains "$ERR" "vitnet: proxy: cannot relay between"
