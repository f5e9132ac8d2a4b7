#!/usr/bin/env bash
# connect --retry 2 against a closed port warns twice, then fails with 69 "connection refused".
source "$(dirname "$0")/../lib/lib.sh"

port=$(free_port)
expect_exit 69 "$VITNET" connect --retry 2 --retry-delay 50ms "127.0.0.1:$port" </dev/null
expect_empty "$OUT"
[[ $(grep -c 'warning: .*connection refused (retry' "$ERR") == 2 ]] || { show "$ERR"; fail "expected two retry warnings"; }
expect_contains "$ERR" "(retry 2/2 in 100ms)"
tail -n1 "$ERR" | grep -qF "vitnet: connect: 127.0.0.1:$port: connection refused" || { show "$ERR"; fail "last line is not the refusal"; }
