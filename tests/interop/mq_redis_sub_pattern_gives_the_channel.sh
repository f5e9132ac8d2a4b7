#!/usr/bin/env bash
# A subject with a glob character (* ? [) is a PSUBSCRIBE pattern; each message's subject is the
# channel it was published on, not the pattern. NATS's '>' is no wildcard for redis.
source "$(dirname "$0")/../lib/lib.sh"
start_redis_server
U=$REDIS_URL

bg "$VITNET" mq sub "$U" 'news.*' --json --count 2 --timeout 10s >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
wait_until 10 bash -c "[[ \$(redis-cli -p $REDIS_PORT PUBSUB NUMPAT) -ge 1 ]]" || { show "$T/sub.err"; fail "vitnet did not PSUBSCRIBE"; }
rcli PUBLISH weather 'not for us' >/dev/null
rcli PUBLISH news.sport 'a goal' >/dev/null
rcli PUBLISH news.tech 'a chip' >/dev/null
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "vitnet mq sub exited with $WAIT_RC"; }
expect_contains "$T/sub.out" '{"subject":"news.sport","data":"a goal"'
expect_contains "$T/sub.out" '{"subject":"news.tech","data":"a chip"'
expect_not_contains "$T/sub.out" 'not for us'
