#!/usr/bin/env bash
# mTLS on the mock network with an openssl-made CA (files passed with --var): a client presenting a
# clientAuth certificate from the CA is served (serve -v names it); one presenting none is refused:
# it exits 76 and the server's close event says "peer did not return a certificate".
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:server"
pki_client alice
cat >"$T/tls_mtls_mock.toml" <<'TOML'
name = "mtls on the mock network"
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
run = "-v --json serve -k --echo --cert ${pki}/server.pem --key ${pki}/server.key --client-ca ${pki}/ca.pem tls://:7443"
expect = { running = true, stderr_contains = "client /CN=alice", stdout_contains = "peer did not return a certificate" }

[[process]]
name = "alice"
host = "client"
start = "10ms"
run = "connect --ca ${pki}/ca.pem --cert ${pki}/alice.pem --key ${pki}/alice.key tls://server:7443"
stdin = "it is alice\n"
expect = { exit = 0, stdout = "it is alice\n", stderr = "" }

[[process]]
name = "anonymous"
host = "client"
start = "10ms"
run = "connect --ca ${pki}/ca.pem --recv-only tls://server:7443"
expect = { exit = 76, stdout = "", stderr_contains = "127.0.0.2:7443", within = "1s" }
TOML

expect_exit 0 "$VITNET" test net --var "pki=$PKI" "$T/tls_mtls_mock.toml"
expect_contains "$OUT" "1 passed, 0 failed"
