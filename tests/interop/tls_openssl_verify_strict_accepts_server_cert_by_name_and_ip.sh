#!/usr/bin/env bash
# openssl verify -x509_strict -purpose sslserver accepts vitnet's server certificates for each
# of their DNS names and addresses, for every key type, and rejects another name.
source "$(dirname "$0")/../lib/lib.sh"
need openssl
cd "$T"
for kt in p256 p384 ed25519 rsa2048; do
  "$VITNET" tls gen ca --key-type "$kt" --out "ca-$kt" >/dev/null || fail "gen ca $kt"
  "$VITNET" tls gen cert --key-type "$kt" --ca "ca-$kt.pem" --out "leaf-$kt" localhost 127.0.0.1 ::1 >/dev/null ||
    fail "gen cert $kt"
  for check in "-verify_hostname localhost" "-verify_ip 127.0.0.1" "-verify_ip ::1"; do
    # shellcheck disable=SC2086
    openssl verify -x509_strict -purpose sslserver $check -CAfile "ca-$kt.pem" "leaf-$kt.pem" >"$OUT" 2>&1 ||
      { show "$OUT"; fail "openssl rejects the $kt certificate with $check"; }
  done
  ! openssl verify -x509_strict -purpose sslserver -verify_hostname example.com -CAfile "ca-$kt.pem" \
    "leaf-$kt.pem" >/dev/null 2>&1 || fail "openssl accepts the $kt certificate for example.com"
done
