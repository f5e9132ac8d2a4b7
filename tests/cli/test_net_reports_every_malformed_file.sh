#!/usr/bin/env bash
# Given several malformed files, test net reports every one of them (not just the first) and runs
# none of the scenarios: exit 65, one diagnostic per bad file, nothing on stdout.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

expect_exit 65 "$VITNET" test net bad/bad_duration.toml udp_echo_mock.toml bad/unknown_fault_kind.toml
expect_empty "$OUT"
expect_contains "$ERR" "vitnet: bad/bad_duration.toml:12: "
expect_contains "$ERR" "vitnet: bad/unknown_fault_kind.toml:11: "
[[ $(wc -l <"$ERR") == 2 ]] || { show "$ERR"; fail "expected exactly two diagnostics"; }
