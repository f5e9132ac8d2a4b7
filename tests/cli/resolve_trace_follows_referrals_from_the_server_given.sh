#!/usr/bin/env bash
# --trace asks without recursion and follows each referral: a parent zone (test.) on 127.0.0.1
# delegates sub.test. to a server on 127.0.0.2 (glue in the referral), on the same port; resolve
# shows both steps and the answer of the second.
source "$(dirname "$0")/../lib/lib.sh"

cat >"$T/parent.zone" <<'ZONE'
$ORIGIN test.
@       60 IN SOA ns admin 1 3600 600 86400 60
@       60 IN NS  ns
ns      60 IN A   127.0.0.1
sub     60 IN NS  ns.sub
ns.sub  60 IN A   127.0.0.2
ZONE
cat >"$T/child.zone" <<'ZONE'
$ORIGIN sub.test.
@       60 IN SOA ns admin 1 3600 600 86400 60
@       60 IN NS  ns
ns      60 IN A   127.0.0.2
www     60 IN A   127.0.0.80
ZONE
DNS_RECORDS=$T/parent.zone start_dns_server
port=$DNS_PORT
start_serve "dns://127.0.0.2:$port" --records "$T/child.zone"

# Without --trace the parent answers with the referral only: no answer (exit 1), not
# authoritative, the delegation in the authority section.
expect_exit 1 "$VITNET" --json resolve www.sub.test A -s "127.0.0.1:$port"
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "not a referral"; }
import json, sys
m = json.loads(open(sys.argv[1]).readline())["message"]
assert m["AA"] == 0 and m["answerRRs"] == []
assert m["authorityRRs"][0]["rdataNS"] == "ns.sub.test."
assert m["additionalRRs"][0]["rdataA"] == "127.0.0.2"
PY

expect_exit 0 "$VITNET" resolve --trace www.sub.test A -s "127.0.0.1:$port"
expect_contains "$OUT" ";; www.sub.test. A: NOERROR from 127.0.0.1:$port over udp"
expect_contains "$OUT" ";; www.sub.test. A: NOERROR from 127.0.0.2:$port over udp"
grep -qE '^www\.sub\.test\. +60 +IN +A +127\.0\.0\.80$' "$OUT" || { show "$OUT"; fail "no answer"; }
expect_exit 0 "$VITNET" --json resolve --trace www.sub.test A -s "127.0.0.1:$port"
python3 -c 'import json,sys; o=json.loads(open(sys.argv[1]).readline()); assert len(o["trace"])==2 and o["server"].startswith("127.0.0.2:"), o' "$OUT" || { show "$OUT"; fail "trace JSON"; }
