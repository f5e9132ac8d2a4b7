#!/usr/bin/env bash
# serve tls://: a TLS 1.2 client offering only CBC suites (Lucky13's ground) is refused by default,
# one offering ECDHE-GCM is served; --ciphers chooses other suites; a list OpenSSL does not know
# is a usage error (64).
source "$(dirname "$0")/../lib/lib.sh"
need openssl
start_serve -k --echo "tls://127.0.0.1:0"
port=$(url_port "$URL")
try() {  # try CIPHER: whether a TLS 1.2 handshake offering only CIPHER succeeds
  echo | timeout 10 openssl s_client -connect "127.0.0.1:$port" -tls1_2 -cipher "$1" >"$T/s_client" 2>&1
}
try 'ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA' && fail "a CBC-only TLS 1.2 client was served: $(grep -i cipher "$T/s_client" | head -3)"
try 'ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384' && fail "a CBC-only (SHA384) TLS 1.2 client was served"
try 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256' || fail "an ECDHE-GCM TLS 1.2 client was refused: $(tail -5 "$T/s_client")"
try 'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305' || fail "a ChaCha20 TLS 1.2 client was refused"
start_serve -k --echo "tls://127.0.0.1:0" --ciphers 'ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA'
port=$(url_port "$URL")
try 'ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA' || fail "--ciphers did not admit the suite it named"
expect_exit 64 "$VITNET" serve "tls://127.0.0.1:0" --ciphers 'NO-SUCH-SUITE'
