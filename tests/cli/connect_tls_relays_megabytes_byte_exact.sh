#!/usr/bin/env bash
# 4 MB up and 3 MB down through tls:// at once (connect <-> stdio serve): each side's output has the
# same SHA-256 as what the other side sent, and both exit 0.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
head -c 4000000 /dev/urandom >"$T/up"
head -c 3000000 /dev/urandom >"$T/down"
SERVE_STDIN=$T/down start_serve --cert "$PKI/server.pem" --key "$PKI/server.key" tls://127.0.0.1:0

expect_exit 0 "$VITNET" connect --ca "$PKI/ca.pem" "$URL" <"$T/up"
expect_empty "$ERR"
expect_serve_exit 0
sum() { sha256sum <"$1" | cut -d' ' -f1; }
[[ $(sum "$SERVE_OUT") == $(sum "$T/up") ]] ||
  fail "the server got $(stat -c %s "$SERVE_OUT") bytes with another sha256 than the 4000000 sent"
[[ $(sum "$OUT") == $(sum "$T/down") ]] ||
  fail "the client got $(stat -c %s "$OUT") bytes with another sha256 than the 3000000 sent"
