#!/usr/bin/env bash
# A failing rcode exits 76 naming it; the Extended DNS Error the server sent is shown (text and
# --json), and other names of the same server still answer.
source "$(dirname "$0")/../lib/lib.sh"

start_dns_server --fault 'www.example.test=servfail' --fault '*.wild.example.test/A=refused'
expect_exit 76 "$VITNET" resolve www.example.test A -s "$DNS_SERVER"
expect_contains "$OUT" ";; www.example.test. A: SERVFAIL"
expect_contains "$OUT" ";; EDE 0 (Other Error): injected by vitnet serve dns"
expect_contains "$ERR" "www.example.test. A: SERVFAIL from $DNS_SERVER"
expect_diagnostic "$ERR"

expect_exit 76 "$VITNET" --json resolve x.wild.example.test A -s "$DNS_SERVER"
[[ $(python3 -c 'import json,sys; o=json.loads(open(sys.argv[1]).readline()); print(o["rcode"], o["status"], o["ede"][0]["info_code"])' "$OUT") == "REFUSED refused 0" ]] || { show "$OUT"; fail "wrong JSON"; }

expect_exit 0 "$VITNET" resolve --short mail.example.test A -s "$DNS_SERVER"
expect_content "$OUT" '127.0.0.25\n'
