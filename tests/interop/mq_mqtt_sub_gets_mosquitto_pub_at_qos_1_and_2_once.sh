#!/usr/bin/env bash
# vitnet mq sub --qos 2 acknowledges what mosquitto_pub sends at QoS 1 (PUBACK) and QoS 2 (PUBREC,
# then PUBCOMP for the broker's PUBREL), printing each message once, with its qos in the envelope.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
start_mosquitto
bg "$VITNET" mq sub "$MQ_URL" 'in/+' --qos 2 --client-id vsub --count 2 --json --timeout 15s >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
wait_until 10 mosq_saw 1 "Received SUBSCRIBE from vsub" || { show "$MOSQ_LOG"; show "$T/sub.err"; fail "vitnet did not subscribe"; }
mosquitto_pub -p "$MQ_PORT" -h 127.0.0.1 -t in/one -q 1 -m first
mosquitto_pub -p "$MQ_PORT" -h 127.0.0.1 -t in/two -q 2 -m second
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "vitnet mq sub exited with $WAIT_RC"; }
python3 - "$T/sub.out" <<'PY' || { show "$T/sub.out"; fail "the envelopes are not as expected"; }
import json, sys
got = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert [(m["subject"], m["data"], m.get("qos")) for m in got] == [("in/one", "first", 1), ("in/two", "second", 2)], got
PY
expect_contains "$MOSQ_LOG" "Received PUBACK from vsub"
expect_contains "$MOSQ_LOG" "Received PUBREC from vsub"
expect_contains "$MOSQ_LOG" "Received PUBCOMP from vsub"
