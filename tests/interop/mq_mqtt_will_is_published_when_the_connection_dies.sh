#!/usr/bin/env bash
# The will given with --will-topic/--will-message/--will-qos/--will-retain reaches mosquitto_sub
# when vitnet's connection dies without DISCONNECT (SIGKILL), and not after a clean end.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
start_mosquitto
bg mosquitto_sub -p "$MQ_PORT" -h 127.0.0.1 -i peer -t 'wills/#' -q 1 -F '%t %p %r' -W 20 -C 1 >"$T/peer.out" 2>"$T/peer.err"
PEER=$BG_PID
wait_until 10 mosq_saw 1 "Received SUBSCRIBE from peer" || { show "$MOSQ_LOG"; fail "mosquitto_sub did not subscribe"; }
# A clean end: DISCONNECT, no will.
expect_exit 0 "$VITNET" mq pub "$MQ_URL" x hi --client-id tidy --will-topic wills/tidy --will-message gone
# A death: the will.
bg "$VITNET" mq sub "$MQ_URL" nothing/here --client-id doomed --will-topic wills/doomed \
  --will-message "doomed is gone" --will-qos 1 --will-retain >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
wait_until 10 mosq_saw 1 "Received SUBSCRIBE from doomed" || { show "$MOSQ_LOG"; show "$T/sub.err"; fail "vitnet did not subscribe"; }
kill -KILL "$SUB"
wait_exit "$PEER" 15
[[ $WAIT_RC == 0 ]] || { show "$T/peer.err"; show "$MOSQ_LOG"; fail "mosquitto_sub exited with $WAIT_RC"; }
expect_content "$T/peer.out" 'wills/doomed doomed is gone 0\n'
# Retained: a later subscriber gets it too.
expect_exit 0 "$VITNET" mq sub "$MQ_URL" wills/doomed --count 1 --json --timeout 5s
expect_contains "$OUT" '"data":"doomed is gone"'
expect_contains "$OUT" '"retain":true'
