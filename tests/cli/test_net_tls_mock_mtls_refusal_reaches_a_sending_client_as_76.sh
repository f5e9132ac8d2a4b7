#!/usr/bin/env bash
# The mock network must end an mTLS refusal the way real TCP does. A client without a certificate that
# sends data right after its (TLS 1.3) handshake gets, on the real network, the server's alert and
# then a reset (the server closed with the client's data unread): it reads the alert first and exits
# 76 (serve_tls_mtls_client_without_certificate_fails.sh). On the mock network the same client
# must also exit 76 — not 69 "connection reset by peer", which is what a reset that overtakes or
# discards the alert already sent would give.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:server"
cat >"$T/tls_refusal_mock.toml" <<'TOML'
name = "mtls refusal reaches a sending client"
hosts = ["server", "client"]
timeout = "10s"
wall_timeout = "10s"

[vars]
pki = "pki"

[link]
latency = "20ms"

[[process]]
name = "server"
host = "server"
run = "serve -k --echo --cert ${pki}/server.pem --key ${pki}/server.key --client-ca ${pki}/ca.pem tls://:7443"
expect = { running = true }

[[process]]
name = "anonymous"
host = "client"
start = "10ms"
run = "connect --ca ${pki}/ca.pem tls://server:7443"
stdin = "let me in\n"
expect = { exit = 76, stdout = "" }
TOML

expect_exit 0 "$VITNET" test net --var "pki=$PKI" "$T/tls_refusal_mock.toml"
expect_contains "$OUT" "1 passed, 0 failed"
