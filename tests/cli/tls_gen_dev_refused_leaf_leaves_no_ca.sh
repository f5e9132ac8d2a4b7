#!/usr/bin/env bash
# tls gen dev writes a new development CA together with the leaf: when the leaf is refused
# (its file exists), no CA is left behind either, and the next run makes both.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
export XDG_DATA_HOME=$T/data
echo keep >localhost.pem
expect_exit 74 "$VITNET" tls gen dev localhost
expect_contains "$ERR" "localhost.pem: exists; use --force"
[[ ! -e $T/data/vitnet/ca/ca.pem && ! -e $T/data/vitnet/ca/ca-key.pem ]] || fail "a CA was left behind"
ls "$T/data/vitnet/ca" 2>/dev/null | grep -q tmp && fail "temporary files were left behind" || true
expect_content localhost.pem 'keep\n'
expect_exit 0 "$VITNET" tls gen dev --force localhost
expect_contains "$ERR" "created the development CA"
expect_exit 0 "$VITNET" tls verify --ca "$T/data/vitnet/ca/ca.pem" --host localhost localhost.pem
