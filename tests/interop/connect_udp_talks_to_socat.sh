#!/usr/bin/env bash
# `vitnet connect udp://` to a socat UDP server: one datagram per line, each answered upper-cased.
source "$(dirname "$0")/../lib/lib.sh"

need socat
port=$(free_udp_port)
bg timeout 20 socat "UDP-RECVFROM:$port,bind=127.0.0.1,fork" EXEC:'tr a-z A-Z' 2>"$T/socat.err"
wait_until 5 udp_bound "$port" || { show "$T/socat.err"; fail "socat is not bound to udp $port"; }

printf 'udp one\nudp two\n' >"$T/in"
EXPECT_TIMEOUT=10 expect_exit 0 "$VITNET" connect "udp://127.0.0.1:$port" <"$T/in"
sort "$OUT" >"$T/got"   # two datagrams, two forked answerers: order is not promised
expect_content "$T/got" 'UDP ONE\nUDP TWO\n'
expect_empty "$ERR"
