#!/usr/bin/env bash
# tls gen cert writes NAME.pem (0644) and NAME-key.pem (0600, not readable by anyone else), and
# the key is the certificate's.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
umask 022
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem localhost 127.0.0.1
[[ $(stat -c %a localhost-key.pem) == 600 ]] || fail "key mode is $(stat -c %a localhost-key.pem), expected 600"
[[ $(stat -c %a ca-key.pem) == 600 ]] || fail "CA key mode is $(stat -c %a ca-key.pem), expected 600"
[[ $(stat -c %a localhost.pem) == 644 ]] || fail "certificate mode is $(stat -c %a localhost.pem), expected 644"
expect_contains "$OUT" "localhost-key.pem"
cat localhost.pem localhost-key.pem >bundle.pem
expect_exit 0 "$VITNET" --json tls inspect bundle.pem
expect_contains "$OUT" '"key_matches_certificate": true'
ls "$T" | grep -q '\.tmp-' && fail "a temporary file was left behind" || true
