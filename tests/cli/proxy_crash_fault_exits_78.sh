#!/usr/bin/env bash
# A crash fault needs the simulated network: the proxy refuses its configuration with 78, naming
# the kind and file:line.
source "$(dirname "$0")/../lib/lib.sh"
printf '[[fault]]\nkind = "latency"\nlatency = "1ms"\n[[fault]]\nkind = "crash"\nhost = "db"\n' >"$T/faults.toml"
expect_exit 78 "$VITNET" proxy 127.0.0.1:0 --to 127.0.0.1:9 --faults "$T/faults.toml"
expect_contains "$ERR" "vitnet: $T/faults.toml:4: a proxy cannot inject a crash fault"
expect_diagnostic "$ERR"
