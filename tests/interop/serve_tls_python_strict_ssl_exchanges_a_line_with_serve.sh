#!/usr/bin/env bash
# Python's ssl module with VERIFY_X509_STRICT added to its default context, trusting only the
# openssl-made CA, completes a handshake with `vitnet serve --echo tls://` (checking the name
# localhost) and gets back the line it sent.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

need python3
pki_server server "DNS:localhost,IP:127.0.0.1"
start_serve --echo --cert "$PKI/server.pem" --key "$PKI/server.key" tls://127.0.0.1:0

cat >"$T/strict.py" <<'PY'
import socket, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
ctx.verify_flags |= ssl.VERIFY_X509_STRICT
assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        print(s.version(), file=sys.stderr)
        s.sendall(b"strictly speaking\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        sys.stdout.write(data.decode())
PY
expect_exit 0 python3 "$T/strict.py" "$(url_port "$URL")" "$PKI/ca.pem"
expect_content "$OUT" 'strictly speaking\n'
expect_contains "$ERR" "TLSv1.3"
expect_serve_exit 0
