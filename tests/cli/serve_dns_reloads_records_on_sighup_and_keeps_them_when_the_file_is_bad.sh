#!/usr/bin/env bash
# SIGHUP reads the records file again; a bad file is refused naming FILE:LINE and the previous
# records keep being served.
source "$(dirname "$0")/../lib/lib.sh"

echo 'svc.test. 60 IN A 127.0.0.1' >"$T/r.zone"
DNS_RECORDS=$T/r.zone start_dns_server
expect_exit 0 "$VITNET" resolve --short svc.test A -s "$DNS_SERVER"
expect_content "$OUT" '127.0.0.1\n'

echo 'svc.test. 60 IN A 127.0.0.2' >"$T/r.zone"
kill -HUP "$SERVE_PID"
wait_until 5 grep -q "reloaded 1 records" "$SERVE_ERR" || { show "$SERVE_ERR"; fail "no reload"; }
expect_exit 0 "$VITNET" resolve --short svc.test A -s "$DNS_SERVER"
expect_content "$OUT" '127.0.0.2\n'

printf 'svc.test. 60 IN A 127.0.0.3\nbroken.test. 60 IN A 300.1.2.3\n' >"$T/r.zone"
kill -HUP "$SERVE_PID"
wait_until 5 grep -q "keeping the previous records" "$SERVE_ERR" || { show "$SERVE_ERR"; fail "no refusal"; }
expect_contains "$SERVE_ERR" "$T/r.zone:2:"
expect_exit 0 "$VITNET" resolve --short svc.test A -s "$DNS_SERVER"
expect_content "$OUT" '127.0.0.2\n'
expect_running "$SERVE_PID" "serve dns"
