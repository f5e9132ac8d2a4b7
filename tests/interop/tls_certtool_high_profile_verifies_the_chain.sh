#!/usr/bin/env bash
# GnuTLS certtool --verify --verify-profile high accepts a vitnet root -> intermediate -> leaf
# chain (ECDSA P-256, the default), for the leaf's hostname and the serverAuth purpose.
source "$(dirname "$0")/../lib/lib.sh"
need certtool
cd "$T"
"$VITNET" tls gen ca >/dev/null || fail "gen ca"
"$VITNET" tls gen ca --intermediate --ca ca.pem >/dev/null || fail "gen intermediate"
"$VITNET" tls gen cert --ca intermediate.pem www.example.com >/dev/null || fail "gen cert"
certtool --verify --verify-profile high --load-ca-certificate ca.pem --infile www.example.com-chain.pem \
  --verify-hostname www.example.com --verify-purpose 1.3.6.1.5.5.7.3.1 >"$OUT" 2>&1 ||
  { show "$OUT"; fail "certtool rejects the chain"; }
expect_contains "$OUT" "Chain verification output: Verified"
! certtool --verify --verify-profile high --load-ca-certificate ca.pem --infile www.example.com-chain.pem \
  --verify-hostname other.example.com >"$OUT" 2>&1 || fail "certtool accepts another hostname"
