#!/usr/bin/env bash
# With the clock moved two days on (faketime), a certificate valid for one day no longer
# verifies: the real clock, not only --at, drives the check.
source "$(dirname "$0")/../lib/lib.sh"
[[ -z ${VITNET_SANITIZE:-} ]] || skip "faketime's LD_PRELOAD does not load under ASan"
need faketime
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem --days 1 localhost
expect_exit 0 "$VITNET" tls verify --ca ca.pem localhost.pem
probe=$(faketime -f '+2d' date +%s 2>/dev/null || true)
(( ${probe:-0} > $(date +%s) + 86400 )) || skip "faketime does not move the clock here"
expect_exit 1 faketime -f '+2d' "$VITNET" tls verify --ca ca.pem localhost.pem
expect_contains "$ERR" "expired"
