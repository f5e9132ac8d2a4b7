#!/usr/bin/env bash
# vitnet mq sub with '+' and '#' filters gets exactly the topics mosquitto routes to them.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
start_mosquitto
bg "$VITNET" mq sub "$MQ_URL" 'home/+/temp' 'log/#' --client-id wild --count 4 --json --timeout 15s >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
wait_until 10 mosq_saw 2 "Received SUBSCRIBE from wild" || { show "$MOSQ_LOG"; show "$T/sub.err"; fail "vitnet did not subscribe"; }
for t in home/kitchen/temp home/kitchen/humidity home/a/b/temp log log/x/y other/temp home//temp; do
  mosquitto_pub -p "$MQ_PORT" -h 127.0.0.1 -t "$t" -q 1 -m "$t"
done
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "vitnet mq sub exited with $WAIT_RC"; }
python3 - "$T/sub.out" <<'PY' || { show "$T/sub.out"; fail "not the topics the filters match"; }
import json, sys
got = [json.loads(l)["subject"] for l in open(sys.argv[1]) if l.strip()]
assert got == ["home/kitchen/temp", "log", "log/x/y", "home//temp"], got
PY
# A filter that is not one is refused before anything is sent.
expect_exit 65 "$VITNET" mq sub "$MQ_URL" 'home/#/temp' --timeout 1s
expect_contains "$ERR" "'home/#/temp' is not a topic filter"
