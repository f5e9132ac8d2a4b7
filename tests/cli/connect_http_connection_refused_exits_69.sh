#!/usr/bin/env bash
# An http URL whose port is closed exits 69 with the message connect gives for tcp.
source "$(dirname "$0")/../lib/lib.sh"

port=$(free_port)
expect_exit 69 "$VITNET" connect "http://127.0.0.1:$port/x"
expect_empty "$OUT"
expect_content "$ERR" "vitnet: connect: 127.0.0.1:$port: connection refused\n"
