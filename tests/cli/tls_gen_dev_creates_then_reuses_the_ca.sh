#!/usr/bin/env bash
# tls gen dev makes a CA in $XDG_DATA_HOME/vitnet/ca on first use (directory 0700, key 0600),
# says where it is and how to trust it, and reuses it the next time.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
export XDG_DATA_HOME=$T/data
expect_exit 0 "$VITNET" tls gen dev localhost 127.0.0.1
expect_contains "$ERR" "created the development CA $T/data/vitnet/ca/ca.pem"
expect_contains "$ERR" "trust it"
expect_diagnostic "$ERR"
[[ $(stat -c %a "$T/data/vitnet/ca") == 700 ]] || fail "CA directory mode is $(stat -c %a "$T/data/vitnet/ca")"
[[ $(stat -c %a "$T/data/vitnet/ca/ca-key.pem") == 600 ]] || fail "CA key is not 0600"
fp=$(openssl x509 -in "$T/data/vitnet/ca/ca.pem" -noout -fingerprint -sha256)
expect_exit 0 "$VITNET" --json tls gen dev --out second example.test
expect_contains "$ERR" "using the development CA"
expect_contains "$OUT" '"created": false'
[[ $(openssl x509 -in "$T/data/vitnet/ca/ca.pem" -noout -fingerprint -sha256) == "$fp" ]] || fail "the CA was replaced"
expect_exit 0 "$VITNET" tls verify --ca "$T/data/vitnet/ca/ca.pem" --host example.test second.pem
expect_exit 0 "$VITNET" tls verify --ca "$T/data/vitnet/ca/ca.pem" --ip 127.0.0.1 localhost.pem
