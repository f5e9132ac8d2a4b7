#!/usr/bin/env bash
# --monitor serves nats-server's monitoring documents: /varz (counters of messages and bytes in
# and out, connections, subscriptions), /connz with ?subs=1 (each client's name and
# subscriptions), /subsz (the subscription index), /healthz; other paths are 404 and other
# methods 405.
source "$(dirname "$0")/../lib/lib.sh"
need curl python3

start_mq_broker --monitor http://127.0.0.1:0
wait_until 5 grep -q 'monitoring on' "$SERVE_ERR" || fail "no monitoring line"
MON=$(grep -o 'http://[0-9.:]*' "$SERVE_ERR" | head -n1)
bg "$VITNET" mq sub "$URL" 'metrics.*' 'logs.>' --name watcher --count 3 --timeout 10s >"$T/sub.out" 2>&1
SUB=$BG_PID
wait_until 5 bash -c "curl -sf '$MON/connz?subs=1' | grep -q watcher" || fail "the subscriber does not show in /connz"
curl -sf "$MON/connz?subs=1" >"$T/connz.json"
expect_contains "$T/connz.json" '"metrics.*"'
expect_contains "$T/connz.json" '"logs.>"'
printf 'a\nb\nc\n' | expect_exit 0 "$VITNET" mq pub "$URL" metrics.cpu
wait_exit "$SUB" 10
curl -sf "$MON/varz" >"$T/varz.json" || fail "GET /varz"
python3 - "$T/varz.json" <<'PY' || { show "$T/varz.json"; fail "/varz counters"; }
import json, sys
v = json.load(open(sys.argv[1]))
assert v["in_msgs"] == 3 and v["out_msgs"] == 3, (v["in_msgs"], v["out_msgs"])
assert v["in_bytes"] == 3 and v["total_connections"] >= 2, v
assert v["max_payload"] == 1048576 and v["server_name"] == "vitnet"
PY
curl -sf "$MON/subsz" >"$T/subsz.json" || fail "GET /subsz"
expect_contains "$T/subsz.json" '"num_matches"'
curl -sf "$MON/healthz" >"$T/healthz.json" || fail "GET /healthz"
expect_contains "$T/healthz.json" '"status":"ok"'
[[ $(curl -s -o /dev/null -w '%{http_code}' "$MON/nope") == 404 ]] || fail "an unknown path is not 404"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X POST "$MON/varz") == 405 ]] || fail "POST is not 405"
