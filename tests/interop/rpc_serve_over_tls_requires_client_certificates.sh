#!/usr/bin/env bash
# rpc serve tls:// with --cert, --key and --client-ca (certificates made by openssl): openssl
# s_client presenting a client certificate sends one request line and gets its answer line; without
# a client certificate the handshake is refused (alert "certificate required") and nothing is
# answered; vitnet rpc call --ca --cert --key is answered too. And wss:// with the ephemeral
# certificate: rpc call --insecure and --pin (the fingerprint printed on stderr) are answered, a
# client that verifies is refused naming the reason.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"
METHODS=$VITNET_SOURCE/examples/methods.toml

pki_server server "DNS:localhost,IP:127.0.0.1"
pki_client alice
start_rpc_serve tls://127.0.0.1:0 --methods "$METHODS" \
  --cert "$PKI/server.pem" --key "$PKI/server.key" --client-ca "$PKI/ca.pem"
PORT=$(url_port "$URL")
TLS_ERR=$SERVE_ERR

# s_client N [OPTIONS...] — openssl s_client -quiet to the server, its stdin a FIFO held open (with
# -quiet it does not stop at the end of its input); sets C_IN (the FIFO's descriptor) and C_PID;
# its output goes to $T/sN.out and $T/sN.err.
s_client() {
  local n=$1
  shift
  open_fifo C_IN "$T/s$n.in"
  bg timeout 20 openssl s_client -quiet -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" \
    -verify_return_error -verify_hostname localhost -servername localhost "$@" \
    <"$T/s$n.in" >"$T/s$n.out" 2>"$T/s$n.err"
  C_PID=$BG_PID
}

# With a client certificate: one request line, one answer line.
s_client 1 -cert "$PKI/alice.pem" -key "$PKI/alice.key"
echo '{"jsonrpc":"2.0","method":"greet","params":{"name":"openssl"},"id":1}' >&"$C_IN"
wait_until 10 grep -q '"id":1' "$T/s1.out" || { show "$T/s1.err"; fail "s_client with a certificate got no answer"; }
expect_content "$T/s1.out" '{"jsonrpc":"2.0","id":1,"result":"hello openssl (call 1)"}\n'
kill -TERM "$C_PID"
close_fifo "$C_IN"

# Without one: the server's alert ends s_client (with TLS 1.3 it learns of it after its own
# handshake), and the request is not answered.
s_client 2
echo '{"jsonrpc":"2.0","method":"greet","params":{"name":"anonymous"},"id":2}' >&"$C_IN"
wait_exit "$C_PID" 10
close_fifo "$C_IN"
[[ $WAIT_RC != 0 ]] || { show "$T/s2.err"; fail "s_client without a certificate exited 0"; }
expect_contains "$T/s2.err" "certificate required"
expect_empty "$T/s2.out"
wait_until 5 grep -q 'peer did not return a certificate' "$TLS_ERR" ||
  { show "$TLS_ERR"; fail "rpc serve did not say why it refused the client"; }
expect_not_contains "$SERVE_OUT" " greet 2 "

# vitnet's own client, verifying the server by name and presenting alice's certificate.
expect_exit 0 "$VITNET" rpc call --ca "$PKI/ca.pem" --cert "$PKI/alice.pem" --key "$PKI/alice.key" \
  "tls://localhost:$PORT" greet name=vitnet
expect_content "$OUT" '"hello vitnet (call 2)"\n'
expect_exit 1 "$VITNET" rpc call --ca "$PKI/ca.pem" --cert "$PKI/alice.pem" --key "$PKI/alice.key" \
  "tls://localhost:$PORT" divide_by_zero 4
expect_content "$OUT" '{"code":-32010,"data":{"dividend":4},"message":"division by zero"}\n'
# Without --cert the call fails (76, as vitnet connect's), says why and prints nothing.
expect_exit 76 "$VITNET" rpc call --ca "$PKI/ca.pem" "tls://localhost:$PORT" greet
expect_contains "$ERR" "the server wants a client certificate"
expect_empty "$OUT"
expect_running "$SERVE_PID" "rpc serve tls:// after refusing clients"

# wss:// with the ephemeral certificate rpc serve makes when given none.
start_rpc_serve wss://127.0.0.1:0 --methods "$METHODS"
expect_exit 0 "$VITNET" rpc call --insecure "$URL" greet name=wss
expect_contains "$ERR" "certificate verification is off"
expect_content "$OUT" '"hello wss (call 1)"\n'
PIN=$(grep -o -- '--pin sha256:[0-9A-F:]*' "$SERVE_ERR" | head -n1 | cut -d' ' -f2)
[[ -n $PIN ]] || { show "$SERVE_ERR"; fail "rpc serve wss:// printed no fingerprint to pin"; }
expect_exit 0 "$VITNET" rpc call --pin "$PIN" "$URL" greet name=pinned
expect_content "$OUT" '"hello pinned (call 2)"\n'
# A client that verifies does not trust it (76, as for tls:// and https://).
expect_exit 76 "$VITNET" rpc call "$URL" greet
expect_contains "$ERR" "certificate verify failed"
expect_empty "$OUT"
