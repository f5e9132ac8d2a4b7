#!/usr/bin/env bash
# openssl s_client against serve: a server that verifies client certificates lets clients resume
# their sessions (TLS 1.3 and 1.2; it refused every resumption: "session id context
# uninitialized"), and an https:// server selects ALPN http/1.1 (it answered no ALPN), while a
# client offering only h2 still connects, without ALPN. An https server resumes TLS 1.2 session
# ids after it closed the connection itself (it closed without close_notify, so OpenSSL dropped
# every session from its cache), by any of its --workers processes, as it does TLS 1.2 tickets.
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

start_serve -k "https://127.0.0.1:0" --dir "$T" --workers 1
port=$(url_port "$URL")
timeout 10 openssl s_client -connect "127.0.0.1:$port" -alpn h2,http/1.1 </dev/null >"$T/alpn" 2>&1 || true
expect_contains "$T/alpn" "ALPN protocol: http/1.1"
timeout 10 openssl s_client -connect "127.0.0.1:$port" -alpn h2 </dev/null >"$T/h2" 2>&1 || true
expect_contains "$T/h2" "No ALPN negotiated"
expect_contains "$T/h2" "Cipher is"

# A session id (no tickets), on a connection the server closes after its response.
get() {  # get OUT PORT ARGS...
  local out=$1 p=$2
  shift 2
  printf 'GET /alpn HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
    timeout 10 openssl s_client -connect "127.0.0.1:$p" -tls1_2 -ign_eof "$@" >"$out" 2>&1 || true
}
get "$T/id1" "$port" -no_ticket -sess_out "$T/id.pem"
expect_contains "$T/id1" "HTTP/1.1 200"
get "$T/id2" "$port" -no_ticket -sess_in "$T/id.pem"
grep -q '^Reused, TLSv1.2' "$T/id2" || { show "$T/id2"; fail "https did not resume a TLS 1.2 session id"; }

# Two workers (one process each, the kernel choosing): session ids are kept in memory they
# share, tickets are sealed with a key made before the fork. Every try resumes.
start_serve -k "https://127.0.0.1:0" --dir "$T" --workers 2
port=$(url_port "$URL")
for kind in -no_ticket ""; do
  get "$T/w1" "$port" $kind -sess_out "$T/w.pem"
  for i in 1 2 3 4 5 6 7 8; do
    get "$T/w2" "$port" $kind -sess_in "$T/w.pem"
    grep -q '^Reused, TLSv1.2' "$T/w2" || { show "$T/w2"; fail "not resumed by every worker (${kind:-tickets}, try $i)"; }
  done
done
