#!/usr/bin/env bash
# TLS on the mock network with certificate files (read from the real filesystem, passed with --var):
# a server leaf for DNS:server from an openssl-made CA. A client with --ca dialling tls://server is
# served; one dialling the server's address (not in the certificate) and one with --sni other.example
# are refused with 76 naming the mismatch; all in virtual time over a 50 ms link.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:server"
cat >"$T/tls_ca_mock.toml" <<'TOML'
name = "tls with a CA on the mock network"
hosts = ["server", "client"]
timeout = "10s"
wall_timeout = "10s"

[vars]
pki = "pki"

[link]
latency = "50ms"

[[process]]
name = "server"
host = "server"
run = "serve -k --echo --cert ${pki}/server.pem --key ${pki}/server.key tls://:7443"
expect = { running = true }

[[process]]
name = "trusting"
host = "client"
start = "10ms"
run = "connect --ca ${pki}/ca.pem tls://server:7443"
stdin = "trusted\n"
expect = { exit = 0, stdout = "trusted\n", stderr = "", within = "1s" }

[[process]]
name = "by-address"
host = "client"
start = "10ms"
run = "connect --ca ${pki}/ca.pem tls://${addr.server}:7443"
stdin = "hello\n"
expect = { exit = 76, stdout = "", stderr_contains = "vitnet: tls: 127.0.0.2:7443: certificate verify failed: IP address mismatch" }

[[process]]
name = "wrong-sni"
host = "client"
start = "10ms"
run = "connect --ca ${pki}/ca.pem --sni other.example tls://server:7443"
stdin = "hello\n"
expect = { exit = 76, stdout = "", stderr_contains = "vitnet: tls: 127.0.0.2:7443: certificate verify failed: hostname mismatch" }
TOML

expect_exit 0 "$VITNET" test net --var "pki=$PKI" "$T/tls_ca_mock.toml"
expect_contains "$OUT" "1 passed, 0 failed"
grep -Eq '^PASS .* 4 processes, [0-9.]+ms virtual' "$OUT" || { show "$OUT"; fail "the scenario did not run in virtual time"; }
