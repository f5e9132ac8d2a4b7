#!/usr/bin/env bash
# The fingerprint serve prints for its ephemeral certificate is what connect --pin takes: with it
# (as printed, and in lowercase without colons) the client trusts that one certificate, without
# --ca and without a warning.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --echo tls://127.0.0.1:0
line=$(grep -m1 'ephemeral self-signed certificate' "$SERVE_ERR") || { show "$SERVE_ERR"; fail "no ephemeral certificate line"; }
[[ $line =~ ^vitnet:\ tls:\ ephemeral\ self-signed\ certificate\ for\ .*127\.0\.0\.1.*\ \(sha256\ (([0-9A-F]{2}:){31}[0-9A-F]{2})\)\;\ clients\ can\ trust\ it\ with\ --pin\ sha256:(([0-9A-F]{2}:){31}[0-9A-F]{2})$ ]] ||
  fail "unexpected ephemeral certificate line: $line"
fp=${BASH_REMATCH[1]}
[[ ${BASH_REMATCH[3]} == "$fp" ]] || fail "the --pin advice differs from the fingerprint: $line"

expect_exit 0 "$VITNET" connect --pin "sha256:$fp" --send $'pinned\n' "$URL"
expect_content "$OUT" 'pinned\n'
expect_empty "$ERR"

bare=$(tr -d ':' <<<"$fp" | tr 'A-F' 'a-f')
expect_exit 0 "$VITNET" connect --pin "$bare" --send $'pinned\n' "$URL"
expect_content "$OUT" 'pinned\n'
