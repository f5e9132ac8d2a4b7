#!/usr/bin/env bash
# A root, an intermediate (pathlen 0) and a leaf: openssl verify -x509_strict builds the chain
# with -untrusted for the server and client purposes; the intermediate cannot sign another CA.
source "$(dirname "$0")/../lib/lib.sh"
need openssl
cd "$T"
"$VITNET" tls gen ca >/dev/null || fail "gen ca"
"$VITNET" tls gen ca --intermediate --ca ca.pem >/dev/null || fail "gen intermediate"
"$VITNET" tls gen cert --ca intermediate.pem localhost >/dev/null || fail "gen cert"
"$VITNET" tls gen client --ca intermediate.pem bob >/dev/null || fail "gen client"
openssl verify -x509_strict -purpose sslserver -verify_hostname localhost -CAfile ca.pem \
  -untrusted intermediate.pem localhost.pem >"$OUT" 2>&1 || { show "$OUT"; fail "server chain rejected"; }
openssl verify -x509_strict -purpose sslclient -CAfile ca.pem -untrusted intermediate.pem bob.pem >"$OUT" 2>&1 ||
  { show "$OUT"; fail "client chain rejected"; }
# The chain file holds the leaf then the intermediate, as servers want it.
[[ $(grep -c 'BEGIN CERTIFICATE' localhost-chain.pem) == 2 ]] || fail "chain file does not hold two certificates"
openssl verify -x509_strict -CAfile ca.pem -untrusted localhost-chain.pem localhost-chain.pem >"$OUT" 2>&1 ||
  { show "$OUT"; fail "chain file rejected"; }
expect_exit 65 "$VITNET" tls gen ca --intermediate --ca intermediate.pem --out deeper
expect_contains "$ERR" "pathlen 0"
