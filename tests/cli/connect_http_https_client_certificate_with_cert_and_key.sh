#!/usr/bin/env bash
# https with --cert and --key presents a client certificate to a server that requires one (mutual
# TLS); without them the request exits 76 saying the server wants one.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
pki_client alice
start_serve -k --reply $'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nyes\n' \
  --cert "$PKI/server.pem" --key "$PKI/server.key" --client-ca "$PKI/ca.pem" tls://127.0.0.1:0
port=$(url_port "$URL")

expect_exit 0 "$VITNET" connect --ca "$PKI/ca.pem" --cert "$PKI/alice.pem" --key "$PKI/alice.key" \
  "https://127.0.0.1:$port/"
expect_content "$OUT" 'yes\n'

expect_exit 76 "$VITNET" connect --ca "$PKI/ca.pem" "https://127.0.0.1:$port/"
expect_contains "$ERR" "the server wants a client certificate: pass --cert and --key"
expect_diagnostic "$ERR"
