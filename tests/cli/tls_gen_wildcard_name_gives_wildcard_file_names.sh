#!/usr/bin/env bash
# A wildcard first name becomes _wildcard in the file names; the SAN holds the wildcard and the
# other names, each typed (DNS, IPv4, IPv6, email, URI).
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem '*.example.com' example.com 10.0.0.1 '[::1]' ops@example.com spiffe://corp/api
[[ -f _wildcard.example.com.pem && -f _wildcard.example.com-key.pem ]] || fail "no _wildcard files: $(ls)"
expect_exit 0 "$VITNET" tls inspect _wildcard.example.com.pem
expect_contains "$OUT" "DNS:*.example.com, DNS:example.com, IP:10.0.0.1, IP:::1, email:ops@example.com, URI:spiffe://corp/api"
expect_contains "$OUT" "subject            CN=*.example.com"
