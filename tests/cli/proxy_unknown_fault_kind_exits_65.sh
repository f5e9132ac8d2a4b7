#!/usr/bin/env bash
# A fault of a kind nobody knows is bad data: 65, naming file:line and the kind.
source "$(dirname "$0")/../lib/lib.sh"
printf '[[fault]]\nkind = "latency"\nlatency = "1ms"\n\n[[fault]]\nkind = "gremlins"\n' >"$T/faults.toml"
expect_exit 65 "$VITNET" proxy 127.0.0.1:0 --to 127.0.0.1:9 --faults "$T/faults.toml"
expect_contains "$ERR" "vitnet: $T/faults.toml:6: unknown fault kind 'gremlins'"
expect_diagnostic "$ERR"
