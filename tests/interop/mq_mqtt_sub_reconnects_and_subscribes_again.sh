#!/usr/bin/env bash
# vitnet mq sub --reconnect -1: when mosquitto restarts, it says so on stderr, connects again,
# subscribes again and goes on receiving.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
start_mosquitto
FIRST=$MOSQ_PID
bg "$VITNET" mq sub "$MQ_URL" news --reconnect -1 --client-id survivor --count 2 --qos 1 --timeout 20s >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
wait_until 10 mosq_saw 1 "Received SUBSCRIBE from survivor" || { show "$MOSQ_LOG"; show "$T/sub.err"; fail "vitnet did not subscribe"; }
mosquitto_pub -p "$MQ_PORT" -h 127.0.0.1 -t news -q 1 -m before
wait_until 10 has_lines 1 "$T/sub.out" before || { show "$T/sub.err"; fail "the first message did not come"; }
kill -TERM "$FIRST"
wait_exit "$FIRST" 10
wait_until 10 has_lines 1 "$T/sub.err" "lost" || { show "$T/sub.err"; fail "no word of the lost connection"; }
MQ_PORT_WANTED=$MQ_PORT start_mosquitto
wait_until 15 mosq_saw 1 "Received SUBSCRIBE from survivor" || { show "$MOSQ_LOG"; show "$T/sub.err"; fail "vitnet did not subscribe again"; }
mosquitto_pub -p "$MQ_PORT" -h 127.0.0.1 -t news -q 1 -m after
wait_exit "$SUB" 15
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "vitnet mq sub exited with $WAIT_RC"; }
expect_content "$T/sub.out" 'before\nafter\n'
expect_contains "$T/sub.err" "reconnected to mqtt://127.0.0.1:$MQ_PORT; subscriptions made again"
