#!/usr/bin/env bash
# https: the server's certificate is verified (by name and by IP) against --ca; without it the
# request exits 76 saying why and what to do; --insecure skips verification and warns.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
start_http_server "$PKI/server.pem" "$PKI/server.key"

expect_exit 0 "$VITNET" connect --ca "$PKI/ca.pem" "https://localhost:$HTTP_PORT/status/200"
expect_content "$OUT" 'status 200\n'
expect_empty "$ERR"
expect_exit 0 "$VITNET" --json connect --ca "$PKI/ca.pem" "https://127.0.0.1:$HTTP_PORT/status/200"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); t = d["timings"]; assert t["connect"] <= t["tls"] <= t["first_byte"], t' \
  "$OUT" || fail "no TLS timing in the document"

expect_exit 76 "$VITNET" connect "https://127.0.0.1:$HTTP_PORT/status/200"
expect_content "$ERR" "vitnet: tls: 127.0.0.1:$HTTP_PORT: certificate verify failed: unable to get local issuer certificate; pass --ca with the issuer's certificate, or --insecure to skip verification\n"

expect_exit 0 "$VITNET" connect --insecure "https://127.0.0.1:$HTTP_PORT/status/200"
expect_content "$OUT" 'status 200\n'
expect_content "$ERR" 'vitnet: warning: tls: certificate verification is off (--insecure)\n'
