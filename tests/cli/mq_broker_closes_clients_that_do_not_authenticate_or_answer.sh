#!/usr/bin/env bash
# The broker's deadlines: with --auth-token, a client that sends nothing is closed with
# 'Authentication Timeout' after --auth-timeout, and one that publishes before CONNECT gets
# 'Authorization Violation'; a client that stops answering PINGs is closed as a 'Stale Connection'
# after --max-pings-out pings of --ping-interval. A well-behaved client meanwhile works.
source "$(dirname "$0")/../lib/lib.sh"
need python3
stall=$VITNET_SOURCE/tests/lib/nats_stall.py

start_mq_broker --auth-token t0k --auth-timeout 300ms
P=$(url_port "$URL")
/usr/bin/python3 "$stall" 127.0.0.1 "$P" silent >"$T/silent.out" || fail "nats_stall.py silent"
expect_contains "$T/silent.out" "-ERR 'Authentication Timeout'\\r\\n [closed]"
/usr/bin/python3 "$stall" 127.0.0.1 "$P" early >"$T/early.out" || fail "nats_stall.py early"
expect_contains "$T/early.out" "-ERR 'Authorization Violation'\\r\\n [closed]"
expect_exit 77 "$VITNET" mq pub "nats://wrong@127.0.0.1:$P" a x
expect_contains "$ERR" "Authorization Violation"
expect_exit 0 "$VITNET" mq pub "nats://t0k@127.0.0.1:$P" a x

start_mq_broker --ping-interval 200ms --max-pings-out 2
P=$(url_port "$URL")
/usr/bin/python3 "$stall" 127.0.0.1 "$P" mute >"$T/mute.out" || fail "nats_stall.py mute"
expect_contains "$T/mute.out" "PING\\r\\nPING\\r\\n-ERR 'Stale Connection'\\r\\n [closed]"
# vitnet's own client answers the pings, so it outlives several intervals.
expect_exit 75 "$VITNET" mq sub "$URL" quiet --timeout 1s
expect_contains "$ERR" "no message within 1s"
