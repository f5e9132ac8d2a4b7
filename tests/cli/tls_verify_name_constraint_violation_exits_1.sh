#!/usr/bin/env bash
# A CA limited by --name-constraint to example.com and 10.0.0.0/8: its certificates for names
# inside verify, one for a name outside exits 1 "name-constraint violation".
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca --name-constraint DNS:example.com --name-constraint IP:10.0.0.0/8
expect_exit 0 "$VITNET" tls inspect ca.pem
expect_contains "$OUT" "permitted names    DNS:example.com, IP:10.0.0.0/8"
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem www.example.com 10.1.2.3
expect_exit 0 "$VITNET" tls verify --ca ca.pem www.example.com.pem
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem www.example.org
expect_exit 1 "$VITNET" tls verify --ca ca.pem www.example.org.pem
expect_contains "$ERR" "vitnet: verify: www.example.org.pem: name-constraint violation"
expect_diagnostic "$ERR"
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem --out outside-ip www.example.com 192.168.1.1
expect_exit 1 "$VITNET" tls verify --ca ca.pem outside-ip.pem
expect_contains "$ERR" "name-constraint violation"
expect_exit 64 "$VITNET" tls gen ca --out bad --name-constraint example.com
expect_contains "$ERR" "DNS:NAME or IP:BLOCK"
