#!/usr/bin/env bash
# With --mqtt 5, -H KEY:VALUE headers are MQTT 5 user properties both ways: mosquitto_sub -F %P
# prints vitnet's, vitnet's envelope shows mosquitto_pub's. MQTT 3.1.1 has none: -H exits 65.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
start_mosquitto
# mosquitto_pub -> vitnet
bg "$VITNET" mq sub "$MQ_URL" hdr/in --mqtt 5 --client-id vsub --count 1 --json --timeout 15s >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
wait_until 10 mosq_saw 1 "Received SUBSCRIBE from vsub" || { show "$MOSQ_LOG"; show "$T/sub.err"; fail "vitnet did not subscribe"; }
mosquitto_pub -V 5 -p "$MQ_PORT" -h 127.0.0.1 -t hdr/in -m body -D publish user-property trace abc -D publish user-property trace def
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "vitnet mq sub exited with $WAIT_RC"; }
expect_contains "$T/sub.out" '"headers":{"trace":["abc","def"]}'
# vitnet -> mosquitto_sub
bg mosquitto_sub -V 5 -p "$MQ_PORT" -h 127.0.0.1 -i peer -t hdr/out -C 1 -F '%P|%p' -W 15 >"$T/peer.out" 2>"$T/peer.err"
PEER=$BG_PID
wait_until 10 mosq_saw 1 "Received SUBSCRIBE from peer" || { show "$MOSQ_LOG"; fail "mosquitto_sub did not subscribe"; }
expect_exit 0 "$VITNET" mq pub "$MQ_URL" hdr/out hello --mqtt 5 -H 'tenant: blue' --qos 1
wait_exit "$PEER" 10
[[ $WAIT_RC == 0 ]] || { show "$T/peer.err"; fail "mosquitto_sub exited with $WAIT_RC"; }
expect_content "$T/peer.out" 'tenant:blue|hello\n'
# MQTT 3.1.1 cannot carry them.
expect_exit 65 "$VITNET" mq pub "$MQ_URL" hdr/out hello -H 'tenant: blue'
expect_contains "$ERR" "headers need --mqtt 5"
expect_diagnostic "$ERR"
