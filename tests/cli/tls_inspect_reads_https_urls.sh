#!/usr/bin/env bash
# tls inspect takes an https:// URL as well as HOST:PORT: the server's certificate is shown.
source "$(dirname "$0")/../lib/lib.sh"

mkdir -p "$T/www"
start_serve "https://127.0.0.1:0" --dir "$T/www"
expect_exit 0 "$VITNET" tls inspect "$URL/"
expect_contains "$OUT" "tls endpoint"
expect_contains "$OUT" "TLSv1.3"
expect_contains "$OUT" "CN=127.0.0.1"
