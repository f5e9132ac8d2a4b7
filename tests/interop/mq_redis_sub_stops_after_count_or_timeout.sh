#!/usr/bin/env bash
# vitnet mq sub on redis:// is SUBSCRIBE that leaves subscribed mode (redis-cli's never does):
# it prints what redis-cli PUBLISHes and exits 0 after --count; --timeout with nothing published
# exits 75; --queue (redis pub/sub has no queue groups) and req (no request/reply) exit 64.
source "$(dirname "$0")/../lib/lib.sh"
start_redis_server
U=$REDIS_URL

bg "$VITNET" mq sub "$U" orders --count 2 --timeout 10s >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
wait_until 10 redis_subscribed orders || { show "$T/sub.err"; fail "vitnet did not subscribe"; }
rcli PUBLISH orders 'first order' >/dev/null
rcli PUBLISH orders 'second order' >/dev/null
rcli PUBLISH orders 'third order' >/dev/null
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "vitnet mq sub exited with $WAIT_RC"; }
expect_content "$T/sub.out" 'first order\nsecond order\n'

bg "$VITNET" mq sub "$U" orders --json --count 1 --timeout 10s >"$T/json.out" 2>"$T/json.err"
SUB=$BG_PID
wait_until 10 redis_subscribed orders || { show "$T/json.err"; fail "vitnet did not subscribe"; }
rcli PUBLISH orders '{"n":1}' >/dev/null
wait_exit "$SUB" 10
expect_contains "$T/json.out" '{"subject":"orders","data":"{\"n\":1}","time":'

expect_exit 75 "$VITNET" mq sub "$U" silence --timeout 300ms
expect_contains "$ERR" "no message within"
expect_exit 64 "$VITNET" mq sub "$U" orders --queue workers --timeout 1s
expect_contains "$ERR" "no queue groups"
expect_exit 64 "$VITNET" mq req "$U" svc hello
expect_contains "$ERR" "has no request/reply"
