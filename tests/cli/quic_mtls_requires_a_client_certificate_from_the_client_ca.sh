#!/usr/bin/env bash
# Mutual TLS over quic:// with certificates from `vitnet tls gen`: serve --client-ca admits a
# client presenting a certificate of that CA (--cert/--key) and answers it; a client without one
# is refused with exit 76 and a message saying a certificate was required, and the server says
# why it refused it.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem --out server localhost 127.0.0.1
expect_exit 0 "$VITNET" tls gen client --ca ca.pem --out alice alice
[[ -s server.pem && -s server-key.pem && -s alice.pem && -s alice-key.pem ]] || { ls -l >&2; fail "tls gen did not write the expected files"; }

start_serve -k --echo --cert server.pem --key server-key.pem --client-ca ca.pem quic://127.0.0.1:0

expect_exit 0 "$VITNET" connect --ca ca.pem --cert alice.pem --key alice-key.pem --send 'with a certificate' "$URL"
expect_content "$OUT" 'with a certificate'

expect_exit 76 "$VITNET" connect --ca ca.pem --send 'without one' "$URL"
expect_not_contains "$OUT" 'without one'
grep -qiE 'certificate (is )?required' "$ERR" || { show "$ERR"; fail "the client's message does not say a certificate was required"; }
wait_until 5 grep -qi 'certificate' "$SERVE_ERR" || { show "$SERVE_ERR"; fail "the server said nothing about the refused client"; }
expect_running "$SERVE_PID" "serve -k after refusing a client"
