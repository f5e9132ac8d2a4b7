#!/usr/bin/env bash
# --open leaves closed ports out of every format.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --echo tcp://127.0.0.1:0
port=$(url_port "$URL")
closed=$(free_port)
expect_exit 0 "$VITNET" --json scan --open -p "$port,$closed" 127.0.0.1
expect_contains "$OUT" "\"port\":$port,"
expect_not_contains "$OUT" "\"port\":$closed,"
expect_exit 0 "$VITNET" scan --open --csv -p "$port,$closed" 127.0.0.1
expect_contains "$OUT" "host,ip,port,proto,state,service,rtt_ms,banner"
grep -q "^127.0.0.1,127.0.0.1,$port,tcp,open," "$OUT" || fail "no csv row for open port $port"
expect_not_contains "$OUT" ",$closed,tcp,"
[[ $(wc -l <"$OUT") == 2 ]] || fail "expected a header and one row"
