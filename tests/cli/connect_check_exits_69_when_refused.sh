#!/usr/bin/env bash
# connect --check exits 69 with "connection refused" when nothing listens.
source "$(dirname "$0")/../lib/lib.sh"

port=$(free_port)
expect_exit 69 "$VITNET" connect --check "127.0.0.1:$port"
expect_empty "$OUT"
expect_contains "$ERR" "vitnet: connect: 127.0.0.1:$port: connection refused"
expect_diagnostic "$ERR"
