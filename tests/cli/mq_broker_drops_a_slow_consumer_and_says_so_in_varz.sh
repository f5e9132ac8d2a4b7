#!/usr/bin/env bash
# A subscriber that stops reading while messages pour in becomes a slow consumer once more than
# --max-pending bytes wait for it: the broker closes it, warns on stderr, and counts it in /varz;
# its memory stays bounded, and the publisher and another subscriber go on undisturbed.
source "$(dirname "$0")/../lib/lib.sh"
need python3 curl
stall=$VITNET_SOURCE/tests/lib/nats_stall.py

start_mq_broker --max-pending 1M --monitor http://127.0.0.1:0
P=$(url_port "$URL")
wait_until 5 grep -q 'monitoring on' "$SERVE_ERR" || fail "no monitoring line"
MON=$(grep -o 'http://[0-9.:]*' "$SERVE_ERR" | head -n1)

bg /usr/bin/python3 "$stall" 127.0.0.1 "$P" slow flood >"$T/slow.out"
wait_until 5 grep -q subscribed "$T/slow.out" || fail "the slow subscriber did not subscribe"
bg "$VITNET" mq sub "$URL" flood --count 20000 --timeout 10s >"$T/good.out" 2>"$T/good.err"
GOOD=$BG_PID
sleep 0.5
payload=$(head -c 1000 /dev/zero | tr '\0' x)
expect_exit 0 "$VITNET" mq pub "$URL" flood "$payload" --count 20000
wait_exit "$GOOD" 15
[[ $WAIT_RC == 0 ]] || { show "$T/good.err"; fail "the reading subscriber exited with $WAIT_RC"; }
[[ $(wc -l <"$T/good.out") == 20000 ]] || fail "the reading subscriber got $(wc -l <"$T/good.out") of 20000"

wait_until 5 grep -q 'slow consumer' "$SERVE_ERR" || { show "$SERVE_ERR"; fail "no slow consumer warning"; }
curl -sf "$MON/varz" >"$T/varz.json" || fail "GET /varz"
slow=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["slow_consumers"])' "$T/varz.json")
[[ $slow == 1 ]] || { show "$T/varz.json"; fail "varz counts $slow slow consumers, expected 1"; }
rss=$(mem_kib "$SERVE_PID" VmHWM)
((rss < 200000)) || fail "the broker peaked at ${rss} KiB with a 1M pending limit"
expect_running "$SERVE_PID" "the broker"
