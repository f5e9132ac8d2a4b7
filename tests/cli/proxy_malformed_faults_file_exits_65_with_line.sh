#!/usr/bin/env bash
# A fault file that is not valid TOML stops the proxy at start with 65, naming file:line.
source "$(dirname "$0")/../lib/lib.sh"
printf '[[fault]]\nkind = "latency"\nlatency = "100ms\n' >"$T/faults.toml"
expect_exit 65 "$VITNET" proxy 127.0.0.1:0 --to 127.0.0.1:9 --faults "$T/faults.toml"
expect_contains "$ERR" "vitnet: $T/faults.toml:3: "
expect_diagnostic "$ERR"
expect_empty "$OUT"
