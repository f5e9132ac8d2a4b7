#!/usr/bin/env bash
# Certificate validity follows the mock network's virtual clock (it starts at the real time): a server
# certificate made to last 1 day verifies for a client 1 hour in, and is refused as expired (76) for
# a client 25 hours in; on an mTLS server, a 1-day client certificate is accepted 1 hour in and
# refused 25 hours in. 25 virtual hours run in well under the wall timeout.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:server" 1
pki_client alice 1
cat >"$T/tls_expiry_mock.toml" <<'TOML'
name = "tls certificates expire in virtual time"
hosts = ["server", "client"]
timeout = "26h"
wall_timeout = "10s"

[vars]
pki = "pki"

[[process]]
name = "server"
host = "server"
run = "serve -k --echo --cert ${pki}/server.pem --key ${pki}/server.key tls://:7443"
expect = { running = true }

[[process]]
name = "mtls"
host = "server"
run = "--json serve -k --echo --cert ${pki}/server.pem --key ${pki}/server.key --client-ca ${pki}/ca.pem tls://:8443"
expect = { running = true, stdout_contains = "certificate verify failed: certificate has expired" }

[[process]]
name = "early"
host = "client"
start = "1h"
run = "connect --ca ${pki}/ca.pem tls://server:7443"
stdin = "in time\n"
expect = { exit = 0, stdout = "in time\n" }

[[process]]
name = "late"
host = "client"
start = "25h"
run = "connect --ca ${pki}/ca.pem tls://server:7443"
stdin = "too late\n"
expect = { exit = 76, stdout = "", stderr_contains = "vitnet: tls: 127.0.0.2:7443: certificate verify failed: certificate has expired" }

[[process]]
name = "early-client-cert"
host = "client"
start = "1h"
run = "connect --ca ${pki}/ca.pem --cert ${pki}/alice.pem --key ${pki}/alice.key tls://server:8443"
stdin = "in time\n"
expect = { exit = 0, stdout = "in time\n" }

# 25 h in, the server certificate has expired too: --insecure, so that only the server's check of
# the client certificate can fail
[[process]]
name = "late-client-cert"
host = "client"
start = "25h"
run = "connect --insecure --cert ${pki}/alice.pem --key ${pki}/alice.key --recv-only tls://server:8443"
expect = { exit = 76, stdout = "" }
TOML

s=$SECONDS
expect_exit 0 "$VITNET" test net --var "pki=$PKI" "$T/tls_expiry_mock.toml"
expect_contains "$OUT" "1 passed, 0 failed"
expect_contains "$OUT" "25h"
((SECONDS - s <= 3)) || fail "25 virtual hours took $((SECONDS - s)) s of wall time"
