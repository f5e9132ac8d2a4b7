#!/usr/bin/env bash
# vitnet mq pub publishes to mosquitto at QoS 0, 1 and 2 (PUBACK; PUBREC, PUBREL, PUBCOMP) and
# mosquitto_sub receives each message at the QoS it was sent with.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
start_mosquitto
bg mosquitto_sub -p "$MQ_PORT" -h 127.0.0.1 -i peer -t 'vt/#' -q 2 -C 3 -F '%t %q %p' -W 15 >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
wait_until 10 mosq_saw 1 "Received SUBSCRIBE from peer" || { show "$MOSQ_LOG"; fail "mosquitto_sub did not subscribe"; }
for q in 0 1 2; do
  expect_exit 0 "$VITNET" mq pub "$MQ_URL" "vt/q$q" "hello at $q" --qos "$q" --client-id "pub$q"
done
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "mosquitto_sub exited with $WAIT_RC"; }
expect_content "$T/sub.out" 'vt/q0 0 hello at 0\nvt/q1 1 hello at 1\nvt/q2 2 hello at 2\n'
# The broker saw the whole QoS 2 handshake from vitnet, and a clean DISCONNECT.
expect_contains "$MOSQ_LOG" "Received PUBLISH from pub2 (d0, q2"
expect_contains "$MOSQ_LOG" "Received PUBREL from pub2"
expect_contains "$MOSQ_LOG" "Received PUBLISH from pub1 (d0, q1"
expect_contains "$MOSQ_LOG" "Received DISCONNECT from pub1"
