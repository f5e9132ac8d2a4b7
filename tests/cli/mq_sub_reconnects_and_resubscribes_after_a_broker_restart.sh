#!/usr/bin/env bash
# With --reconnect, a subscriber whose broker goes away says so on stderr, connects again with
# backoff once the broker is back on the same port, subscribes again, and gets what is published
# after; without --reconnect it exits 69 naming the lost connection.
source "$(dirname "$0")/../lib/lib.sh"
port=$(free_port)
start_mq_broker "nats://127.0.0.1:$port"
B1=$SERVE_PID

bg "$VITNET" mq sub "$URL" news --reconnect -1 --count 2 --timeout 20s >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
bg "$VITNET" mq sub "$URL" news --timeout 20s >"$T/once.out" 2>"$T/once.err"
ONCE=$BG_PID
sleep 0.5
expect_exit 0 "$VITNET" mq pub "$URL" news before
wait_until 5 grep -q before "$T/sub.out" || fail "the first message did not arrive"
kill "$B1"
wait_exit "$ONCE" 10
[[ $WAIT_RC == 69 ]] || { show "$T/once.err"; fail "without --reconnect the subscriber exited $WAIT_RC, expected 69"; }
expect_contains "$T/once.err" "connection lost"
wait_until 5 grep -q reconnecting "$T/sub.err" || { show "$T/sub.err"; fail "no word of the lost connection"; }
wait_exit "$B1" 5

start_mq_broker "nats://127.0.0.1:$port"
wait_until 10 grep -q 'reconnected' "$T/sub.err" || { show "$T/sub.err"; fail "the subscriber did not reconnect"; }
expect_exit 0 "$VITNET" mq pub "$URL" news after
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "the subscriber exited with $WAIT_RC"; }
expect_content "$T/sub.out" 'before\nafter\n'
