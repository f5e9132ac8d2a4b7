#!/usr/bin/env bash
# --tls: a TLS port is reported with its version, certificate subject and expiry; a plain TCP port
# that is open has "tls": null.
source "$(dirname "$0")/../lib/lib.sh"

cd "$T"
export XDG_DATA_HOME=$T/data
expect_exit 0 "$VITNET" tls gen dev localhost 127.0.0.1
start_serve -k --echo --cert "$T/localhost.pem" --key "$T/localhost-key.pem" tls://127.0.0.1:0
secure=$(url_port "$URL")
start_serve -k --echo tcp://127.0.0.1:0
plain=$(url_port "$URL")
expect_exit 0 "$VITNET" --json scan --tls -p "$secure,$plain" 127.0.0.1
grep -q "\"port\":$secure,.*\"tls\":{\"version\":\"TLSv1.3\",\"subject\":\"CN=localhost" "$OUT" \
  || fail "no TLS details for $secure"
grep -q "\"port\":$secure,.*\"days_left\":[0-9]" "$OUT" || fail "no days_left for $secure"
grep -q "\"port\":$plain,.*\"tls\":null" "$OUT" || fail "the plain port should have tls null"
expect_exit 0 "$VITNET" scan --tls -p "$secure,$plain" 127.0.0.1
grep -Eq "^$secure/tcp +open .*TLSv1.3 CN=localhost.*, until 20[0-9-]+ \([0-9]+ days\)" "$OUT" \
  || fail "the table lacks the TLS column for $secure"
grep -Eq "^$plain/tcp +open +[^ ]+ +-$" "$OUT" || fail "the plain port should show - for TLS"
