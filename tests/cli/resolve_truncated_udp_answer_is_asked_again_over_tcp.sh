#!/usr/bin/env bash
# A truncated UDP answer (TC set: here the server's truncate fault) is asked again over TCP, and
# the report says tcp.
source "$(dirname "$0")/../lib/lib.sh"

start_dns_server --fault 'many.example.test=truncate'
expect_exit 0 "$VITNET" --json resolve many.example.test A -s "$DNS_SERVER"
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "wrong answer"; }
import json, sys
o = json.loads(open(sys.argv[1]).readline())
assert o["transport"] == "tcp", o["transport"]
assert len(o["message"]["answerRRs"]) == 40, len(o["message"]["answerRRs"])
assert o["message"]["TC"] == 0
PY
grep -q "udp many.example.test. A NOERROR answers=0.* truncated" "$SERVE_OUT" || { show "$SERVE_OUT"; fail "no truncated UDP answer logged"; }
grep -q "tcp many.example.test. A NOERROR answers=40" "$SERVE_OUT" || { show "$SERVE_OUT"; fail "no TCP answer logged"; }

# Without the fault, 40 addresses (about 700 bytes) fit the 1232 bytes resolve's EDNS allows: no
# fallback.
start_dns_server
expect_exit 0 "$VITNET" --json resolve many.example.test A -s "$DNS_SERVER"
python3 -c 'import json,sys; o=json.loads(open(sys.argv[1]).readline()); assert o["transport"]=="udp", o' "$OUT" || { show "$OUT"; fail "expected udp"; }
