#!/usr/bin/env bash
# Targets come from -iL FILE (nmap's spelling), --input-list and - (stdin), with comments.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --echo tcp://127.0.0.1:0
port=$(url_port "$URL")
printf '# loopback\n127.0.0.1\n127.0.0.2, 127.0.0.3\n' >"$T/targets.txt"
expect_exit 0 "$VITNET" scan --grep -p "$port" -iL "$T/targets.txt"
expect_contains "$OUT" "Host: 127.0.0.1 ()	Ports: $port/open/tcp/"
expect_contains "$OUT" "Host: 127.0.0.3 ()	Ports: $port/closed/tcp/"
[[ $(wc -l <"$OUT") == 3 ]] || fail "expected one line per host"

printf '127.0.0.1\n' | expect_exit 0 "$VITNET" --json scan -p "$port" -
expect_contains "$OUT" "\"ip\":\"127.0.0.1\",\"port\":$port,\"proto\":\"tcp\",\"state\":\"open\""
