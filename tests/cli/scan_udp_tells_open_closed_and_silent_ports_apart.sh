#!/usr/bin/env bash
# --udp: a port that answers is open, a port nobody has bound is closed (ICMP port unreachable),
# and a port whose owner stays silent is open|filtered.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo udp://127.0.0.1:0
answering=$(url_port "$URL")
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(60)
' >"$T/silent.port" &
track $!
wait_until 5 test -s "$T/silent.port" || fail "the silent UDP socket did not start"
silent=$(cat "$T/silent.port")
closed=$(free_udp_port)
expect_exit 0 "$VITNET" --json scan --udp --timeout 300ms --retries 0 -p "$answering,$silent,$closed" 127.0.0.1
grep -q "\"port\":$answering,\"proto\":\"udp\",\"state\":\"open\"" "$OUT" || fail "$answering is not open"
grep -q "\"port\":$silent,\"proto\":\"udp\",\"state\":\"open|filtered\"" "$OUT" || fail "$silent is not open|filtered"
grep -q "\"port\":$closed,\"proto\":\"udp\",\"state\":\"closed\"" "$OUT" || fail "$closed is not closed"
expect_contains "$OUT" '"open":1,"closed":1,"filtered":0'
expect_contains "$OUT" '"open_filtered":1'
expect_exit 0 "$VITNET" scan --udp --timeout 300ms --retries 0 -p "$answering" 127.0.0.1
grep -Eq "^$answering/udp +open " "$OUT" || fail "the table does not list $answering/udp as open"
expect_contains "$ERR" "x 1 udp port in"
