#!/usr/bin/env bash
# The proxy in front of a socat server (EXEC of tr): `vitnet connect` through it gets the answer.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

need socat
port=$(free_port)
bg socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" EXEC:'tr a-z A-Z'
wait_until 10 tcp_listening "$port" || fail "socat did not start listening"
start_proxy 127.0.0.1:0 --to "127.0.0.1:$port" --bandwidth 1MB

expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'shout this\n')
expect_content "$OUT" 'SHOUT THIS\n'
