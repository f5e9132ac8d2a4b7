#!/usr/bin/env bash
# The NATS protocol from raw sockets (tests/lib/nats_raw.py): control lines split across packets,
# case, bare LF, payloads holding CRLF, wildcards, queue groups, UNSUB with a count, headers to
# clients with and without header support, no responders, echo off, verbose +OK, pedantic
# publishing to a wildcard, bad subjects, unknown operations, malformed arguments, the payload and
# control line limits. vitnet's broker must answer byte for byte as nats-server 2.9 does (server
# ids and ports aside), and a few answers are pinned so that the comparison cannot pass on two
# equally broken servers.
source "$(dirname "$0")/../lib/lib.sh"
need python3 nats-server
raw=$VITNET_SOURCE/tests/lib/nats_raw.py

start_nats_server
/usr/bin/python3 "$raw" 127.0.0.1 "$NATS_PORT" >"$T/nats-server.txt" || fail "nats_raw.py against nats-server"
start_mq_broker
/usr/bin/python3 "$raw" 127.0.0.1 "$(url_port "$URL")" >"$T/vitnet.txt" || fail "nats_raw.py against the broker"

diff -u "$T/nats-server.txt" "$T/vitnet.txt" >"$T/diff" || { show "$T/diff"; fail "the broker answers differently from nats-server"; }
expect_contains "$T/vitnet.txt" 'split control line: PONG\r\n'
expect_contains "$T/vitnet.txt" 'payload with CRLF inside: MSG a 1 4\r\n\r\n\r\n\r\nPONG\r\n'
expect_contains "$T/vitnet.txt" 'unsub max: MSG a 1 1\r\nx\r\nMSG a 1 1\r\ny\r\nPONG\r\n'
expect_contains "$T/vitnet.txt" 'no responders: HMSG r 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\nPONG\r\n'
expect_contains "$T/vitnet.txt" "max payload: -ERR 'Maximum Payload Violation'\\r\\n [closed]"
expect_contains "$T/vitnet.txt" "invalid subject in SUB: -ERR 'Invalid Subject'\\r\\nPONG\\r\\n"
