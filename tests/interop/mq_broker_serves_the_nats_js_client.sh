#!/usr/bin/env bash
# nats.js (the npm `nats` client) against vitnet's broker: publish and wildcard subscriptions,
# queue groups, headers, request/reply, no responders, a subscription's max, a large message,
# PING round trips and drain (tests/lib/node/nats_checks.js); then with a token and with a user
# and password, and refused with the wrong ones. The same checks run against nats-server first, so
# that the script is known to pass against the reference.
source "$(dirname "$0")/../lib/lib.sh"
need_node_module nats
checks=$VITNET_SOURCE/tests/lib/node/nats_checks.js

run_checks() {
  local what=$1
  shift
  node "$checks" "$@" >"$T/checks.out" 2>"$T/checks.err" || {
    show "$T/checks.out"
    show "$T/checks.err"
    fail "nats.js against $what"
  }
}

if command -v nats-server >/dev/null; then
  start_nats_server
  run_checks nats-server "$NATS_URL"
  kill "$NATS_PID"
fi

start_mq_broker
run_checks "vitnet mq broker" "$URL"
expect_contains "$T/checks.out" "ok a queue group gets each message once"
expect_contains "$T/checks.out" "ok drained"

start_mq_broker --auth-token s3cret
run_checks "the broker with a token" "$URL" token=s3cret
run_checks "the broker with a wrong token" "$URL" token=wrong expect-auth-failure

start_mq_broker --user alice --pass 'p@ss word'
run_checks "the broker with a user" "$URL" user=alice 'pass=p@ss word'
run_checks "the broker with a wrong password" "$URL" user=alice pass=nope expect-auth-failure
