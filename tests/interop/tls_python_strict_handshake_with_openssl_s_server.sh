#!/usr/bin/env bash
# Python's ssl with VERIFY_X509_STRICT (Python 3.13's default) trusts a vitnet CA and completes a
# handshake with openssl s_server serving a vitnet leaf and its intermediate.
source "$(dirname "$0")/../lib/lib.sh"
need openssl python3
cd "$T"
"$VITNET" tls gen ca >/dev/null || fail "gen ca"
"$VITNET" tls gen ca --intermediate --ca ca.pem >/dev/null || fail "gen intermediate"
"$VITNET" tls gen cert --ca intermediate.pem localhost 127.0.0.1 >/dev/null || fail "gen cert"
port=$(free_port)
bg openssl s_server -accept "127.0.0.1:$port" -cert localhost.pem -key localhost-key.pem \
  -cert_chain intermediate.pem -www -quiet </dev/null >"$T/s_server.log" 2>&1
wait_until 10 tcp_listening "$port" || { show "$T/s_server.log"; fail "s_server did not start"; }
timeout 20 python3 - "$port" >"$OUT" 2>&1 <<'PY' || { show "$OUT"; fail "python could not verify the server"; }
import socket, ssl, sys
port = int(sys.argv[1])
ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile="ca.pem")
ctx.verify_flags |= ssl.VERIFY_X509_STRICT
for host in ("localhost", "127.0.0.1"):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=host) as s:
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            assert s.recv(64).startswith(b"HTTP/1.0 200"), "no answer"
            print("verified", host, s.version())
# And a name the certificate does not hold fails.
try:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        ctx.wrap_socket(raw, server_hostname="example.com")
    sys.exit("example.com was accepted")
except ssl.SSLCertVerificationError as e:
    print("rejected example.com:", e.verify_message)
PY
expect_contains "$OUT" "verified localhost"
expect_contains "$OUT" "verified 127.0.0.1"
expect_contains "$OUT" "rejected example.com"
