#!/usr/bin/env bash
# connect to a closed port exits 69 with "vitnet: connect: HOST:PORT: connection refused".
source "$(dirname "$0")/../lib/lib.sh"

port=$(free_port)
expect_exit 69 "$VITNET" connect "127.0.0.1:$port" </dev/null
expect_empty "$OUT"
expect_content "$ERR" "vitnet: connect: 127.0.0.1:$port: connection refused\n"
