#!/usr/bin/env bash
# 3000 stdin lines published at QoS 2 (MQTT 5, mosquitto's Receive Maximum of 20, and 3.1.1) all
# reach mosquitto_sub once each, in order: the in-flight window fills, drains and fills again.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
# mosquitto drops what is queued for a subscriber past max_queued_messages (1000 by default): a
# publisher faster than mosquitto_sub would lose messages at the broker, not in vitnet.
start_mosquitto "max_queued_messages 0"
for v in 5 3.1.1; do
  bg mosquitto_sub -p "$MQ_PORT" -h 127.0.0.1 -i "peer$v" -t load -q 2 -C 3000 -W 30 >"$T/sub$v.out" 2>"$T/sub$v.err"
  PEER=$BG_PID
  wait_until 10 mosq_saw 1 "Received SUBSCRIBE from peer$v" || { show "$MOSQ_LOG"; fail "mosquitto_sub did not subscribe"; }
  seq 1 3000 >"$T/lines"
  expect_exit 0 "$VITNET" mq pub "$MQ_URL" load --qos 2 --mqtt "$v" <"$T/lines"
  wait_exit "$PEER" 30
  [[ $WAIT_RC == 0 ]] || { show "$T/sub$v.err"; fail "mosquitto_sub exited with $WAIT_RC (MQTT $v)"; }
  cmp -s "$T/lines" "$T/sub$v.out" || fail "MQTT $v: mosquitto_sub did not get lines 1..3000 once each, in order"
done
