#!/usr/bin/env bash
# dnspython (its own message codec) against serve dns over UDP, TCP and TLS: every record type of
# the test zone parses, with the values written in the zone; EDNS options come back; a query
# with two questions gets FORMERR; an unknown opcode NOTIMP.
source "$(dirname "$0")/../lib/lib.sh"
need python3
/usr/bin/python3 -c 'import dns.message' 2>/dev/null || skip "python3-dnspython is not installed (scripts/deps.sh test)"
source "$(dirname "$0")/../lib/pki.sh"

start_dns_server
udp=$DNS_PORT
pki_server dns "DNS:localhost,IP:127.0.0.1"
start_serve tls://127.0.0.1:0 --records "$VITNET_SOURCE/tests/lib/dns/example.zone" --cert "$PKI/dns.pem" --key "$PKI/dns.key"
dot=$(url_port "$URL")
/usr/bin/python3 - "$udp" "$dot" "$PKI/ca.pem" <<'PY' || fail "dnspython disagrees"
import ssl, sys
import dns.flags, dns.message, dns.opcode, dns.query, dns.rcode, dns.rdatatype
port, dot, ca = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

def ask(name, rdtype, how="udp"):
    q = dns.message.make_query(name, rdtype, use_edns=0, payload=1232)
    if how == "udp":
        return dns.query.udp(q, "127.0.0.1", port=port, timeout=3)
    if how == "tcp":
        return dns.query.tcp(q, "127.0.0.1", port=port, timeout=3)
    ctx = ssl.create_default_context(cafile=ca)
    return dns.query.tls(q, "127.0.0.1", port=dot, timeout=3, ssl_context=ctx, server_hostname="localhost")

want = {
    ("www.example.test.", "A"): {"127.0.0.10"},
    ("www.example.test.", "AAAA"): {"::1"},
    ("example.test.", "MX"): {"10 mail.example.test."},
    ("example.test.", "TXT"): {'"v=spf1 -all" "second string"'},
    ("_http._tcp.example.test.", "SRV"): {"10 5 8080 www.example.test."},
    ("example.test.", "CAA"): {'0 issue "letsencrypt.org"'},
    ("example.test.", "NS"): {"ns1.example.test."},
    ("example.test.", "SOA"): {"ns1.example.test. hostmaster.example.test. 2026120401 3600 600 86400 60"},
}
for how in ("udp", "tcp", "tls"):
    for (name, t), values in want.items():
        r = ask(name, t, how)
        assert r.rcode() == dns.rcode.NOERROR, (how, name, t, r)
        got = {rd.to_text() for rrset in r.answer for rd in rrset if rrset.rdtype == dns.rdatatype.from_text(t)}
        assert got == values, (how, name, t, got)
        assert r.flags & dns.flags.AA and r.edns == 0

r = ask("many.example.test.", "A")
assert len(r.answer[0]) == 40
r = ask("nosuch.example.test.", "A")
assert r.rcode() == dns.rcode.NXDOMAIN and r.authority[0].rdtype == dns.rdatatype.SOA

# Two questions: FORMERR.
q = dns.message.make_query("www.example.test.", "A")
q.question.append(dns.message.make_query("mail.example.test.", "A").question[0])
r = dns.query.udp(q, "127.0.0.1", port=port, timeout=3)
assert r.rcode() == dns.rcode.FORMERR, r
# An opcode other than QUERY: NOTIMP.
q = dns.message.make_query("www.example.test.", "A")
q.set_opcode(dns.opcode.NOTIFY)
r = dns.query.udp(q, "127.0.0.1", port=port, timeout=3)
assert r.rcode() == dns.rcode.NOTIMP, r
PY
