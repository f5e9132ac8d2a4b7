#!/usr/bin/env bash
# MQTT 5 request/reply: vitnet mq reply answers on the request's response topic, for vitnet mq req
# and for mosquitto_rr (correlation data sent back); with MQTT 3.1.1 req exits 64.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
start_mosquitto
bg "$VITNET" mq reply "$MQ_URL" svc/time --mqtt 5 --qos 1 --client-id responder --reply "it is noon" >"$T/reply.out" 2>"$T/reply.err"
wait_until 10 mosq_saw 1 "Received SUBSCRIBE from responder" || { show "$MOSQ_LOG"; show "$T/reply.err"; fail "vitnet mq reply did not subscribe"; }
expect_exit 0 "$VITNET" mq req "$MQ_URL" svc/time "what time" --mqtt 5 --qos 1 --timeout 5s
expect_content "$OUT" 'it is noon\n'
if command -v mosquitto_rr >/dev/null; then
  expect_exit 0 timeout 10 mosquitto_rr -p "$MQ_PORT" -h 127.0.0.1 -t svc/time -e rr/answer -m "what time" \
    -D publish correlation-data c0ffee -W 5 -F '%p'
  expect_content "$OUT" 'it is noon\n'
fi
# The echo answer sends the request's user properties back.
bg "$VITNET" mq reply "$MQ_URL" svc/echo --mqtt 5 --client-id echoer >"$T/echo.out" 2>"$T/echo.err"
wait_until 10 mosq_saw 1 "Received SUBSCRIBE from echoer" || { show "$T/echo.err"; fail "the echo responder did not subscribe"; }
expect_exit 0 "$VITNET" mq req "$MQ_URL" svc/echo ping --mqtt 5 -H k:v --json --timeout 5s
expect_contains "$OUT" '"data":"ping","headers":{"k":"v"}'
# MQTT 3.1.1 has no response topic.
expect_exit 64 "$VITNET" mq req "$MQ_URL" svc/time "what time" --timeout 2s
expect_contains "$ERR" "has no request/reply"
