#!/usr/bin/env bash
# openssl s_client against serve: a server that verifies client certificates lets clients resume
# their sessions (TLS 1.3 and 1.2; it refused every resumption: "session id context
# uninitialized"), and an https:// server selects ALPN http/1.1 (it answered no ALPN), while a
# client offering only h2 still connects, without ALPN.
source "$(dirname "$0")/../lib/lib.sh"
source "$VITNET_SOURCE/tests/lib/pki.sh"
need openssl
pki_server server "DNS:localhost,IP:127.0.0.1"
pki_client client

start_serve -k --echo --cert "$PKI/server.pem" --key "$PKI/server.key" --client-ca "$PKI/ca.pem" \
  "tls://127.0.0.1:0"
port=$(url_port "$URL")
s_client() {  # s_client OUT ARGS...: one handshake, then a moment for TLS 1.3's tickets
  local out=$1
  shift
  sleep 0.5 | timeout 10 openssl s_client -connect "127.0.0.1:$port" -CAfile "$PKI/ca.pem" \
    -cert "$PKI/client.pem" -key "$PKI/client.key" "$@" >"$out" 2>&1 || true
}
for version in -tls1_3 -tls1_2; do
  s_client "$T/first" "$version" -sess_out "$T/session.pem"
  expect_contains "$T/first" "Verify return code: 0 (ok)"
  s_client "$T/second" "$version" -sess_in "$T/session.pem"
  grep -q '^Reused, TLSv1' "$T/second" || { show "$T/second"; fail "no resumption with $version"; }
done

start_serve -k "https://127.0.0.1:0" --dir "$T"
port=$(url_port "$URL")
timeout 10 openssl s_client -connect "127.0.0.1:$port" -alpn h2,http/1.1 </dev/null >"$T/alpn" 2>&1 || true
expect_contains "$T/alpn" "ALPN protocol: http/1.1"
timeout 10 openssl s_client -connect "127.0.0.1:$port" -alpn h2 </dev/null >"$T/h2" 2>&1 || true
expect_contains "$T/h2" "No ALPN negotiated"
expect_contains "$T/h2" "Cipher is"
