#!/usr/bin/env bash
# --retry retries a 503 (and the other transient statuses), warning each time; the answers that
# were retried are not printed. Out of retries, the last answer is the result.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" connect --retry 3 --retry-delay 50ms "http://127.0.0.1:$HTTP_PORT/flaky?key=a&fail=2"
expect_content "$OUT" 'ok a\n'
[[ $(grep -c '503 Service Unavailable (retry [12]/3 in' "$ERR") == 2 ]] || { show "$ERR"; fail "expected two retry warnings"; }
expect_diagnostic "$ERR"

expect_exit 1 "$VITNET" connect --fail --retry 1 --retry-delay 50ms "http://127.0.0.1:$HTTP_PORT/flaky?key=b&fail=5"
expect_content "$OUT" 'try again\n'
expect_contains "$ERR" "503 Service Unavailable"
