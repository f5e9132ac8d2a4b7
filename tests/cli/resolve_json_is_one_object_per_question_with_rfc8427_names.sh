#!/usr/bin/env bash
# --json prints one object per question, in the order asked, with vitnet's summary fields and the
# message under RFC 8427's member names.
source "$(dirname "$0")/../lib/lib.sh"

start_dns_server
expect_exit 1 "$VITNET" --json resolve www.example.test nosuch.example.test mail.example.test A -s "$DNS_SERVER"
expect_ndjson "$OUT"
python3 - "$OUT" "$DNS_SERVER" <<'PY' || { show "$OUT"; fail "wrong JSON"; }
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert [r["query"] for r in rows] == ["www.example.test.", "nosuch.example.test.", "mail.example.test."], rows
assert [r["status"] for r in rows] == ["answered", "nxdomain", "answered"]
r = rows[0]
assert r["type"] == "A" and r["class"] == "IN" and r["server"] == sys.argv[2] and r["transport"] == "udp"
assert r["rcode"] == "NOERROR" and isinstance(r["time_ms"], (int, float)) and r["size"] > 0
m = r["message"]
for k in ("ID", "QR", "Opcode", "AA", "TC", "RD", "RA", "AD", "CD", "RCODE", "QDCOUNT", "ANCOUNT",
          "QNAME", "QTYPE", "QTYPEname", "answerRRs", "authorityRRs", "additionalRRs"):
    assert k in m, k
assert m["QR"] == 1 and m["AA"] == 1 and m["RCODE"] == 0 and m["QTYPEname"] == "A"
rr = m["answerRRs"][0]
assert rr == {"NAME": "www.example.test.", "TYPE": 1, "TYPEname": "A", "CLASS": 1, "CLASSname": "IN",
              "TTL": 300, "RDLENGTH": 4, "rdataA": "127.0.0.10"}, rr
neg = rows[1]["message"]
assert neg["RCODE"] == 3 and neg["authorityRRs"][0]["TYPEname"] == "SOA"
PY
