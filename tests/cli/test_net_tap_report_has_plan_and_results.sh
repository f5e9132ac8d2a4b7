#!/usr/bin/env bash
# --tap reports in TAP 13: the version, the plan 1..N, one "ok"/"not ok" line per run in order,
# a YAML block under each failure (its failures and replay line), and the counts in a comment.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

expect_exit 1 "$VITNET" test net --tap udp_echo_mock.toml fail/wrong_stdout.toml unix_socket_mock.toml
expect_content <(sed -n '1,2p' "$OUT") 'TAP version 13\n1..3\n'
expect_contains "$OUT" "ok 1 - udp_echo_mock.toml udp echo (mock, seed 1)"
expect_contains "$OUT" "not ok 2 - fail/wrong_stdout.toml wrong stdout expectation (mock, seed 1)"
expect_contains "$OUT" "ok 3 - unix_socket_mock.toml unix sockets are local to a host (mock, seed 1)"
[[ $(grep -cE '^(ok|not ok) [0-9]+ - ' "$OUT") == 3 ]] || { show "$OUT"; fail "expected 3 test lines"; }
# The YAML block of the failure, between "  ---" and "  ...".
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "the failure's YAML block is wrong"; }
import json, sys
lines = open(sys.argv[1]).read().split("\n")
i = lines.index("not ok 2 - fail/wrong_stdout.toml wrong stdout expectation (mock, seed 1)")
assert lines[i + 1] == "  ---", lines[i + 1]
end = lines.index("  ...", i)
block = lines[i + 2:end]
assert block[0] == "  failures:", block
assert json.loads(block[1].removeprefix("    - ")) == 'typo (fail/wrong_stdout.toml:12): stdout is "hullo\\n", expected "hello\\n"', block[1]
assert json.loads(block[2].removeprefix("  replay: ")) == "vitnet test net fail/wrong_stdout.toml --net mock --seed 1", block[2]
assert lines[end + 1].startswith("ok 3 - "), lines[end + 1]
PY
[[ $(tail -n1 "$OUT") == "# 2 passed, 1 failed" ]] || { show "$OUT"; fail "wrong final comment"; }
