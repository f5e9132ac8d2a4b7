#!/usr/bin/env bash
# A scenario file that does not exist is a missing input file: exit 66 (sysexits EX_NOINPUT, as
# DESIGN.md lists), with a diagnostic naming the path.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 66 "$VITNET" test net "$T/no-such-scenario.toml"
expect_empty "$OUT"
expect_contains "$ERR" "$T/no-such-scenario.toml"
expect_diagnostic "$ERR"
