#!/usr/bin/env bash
# On loopback a fault is a proxy in front of one port, so a fault without `port` cannot be
# realised: exit 78 before anything starts, naming the fault and its file:line.
source "$(dirname "$0")/../lib/lib.sh"

cat >"$T/portless.toml" <<'TOML'
hosts = ["server", "client"]

[[process]]
host = "server"
run = "serve -k --echo tcp://:17199"

[[fault]]
kind = "latency"
between = ["client", "server"]
latency = "10ms"
TOML
expect_exit 78 "$VITNET" test net --net loopback "$T/portless.toml"
expect_empty "$OUT"
expect_contains "$ERR" "fault 'latency' ($T/portless.toml:7) needs a 'port' on the loopback backend"
expect_diagnostic "$ERR"
