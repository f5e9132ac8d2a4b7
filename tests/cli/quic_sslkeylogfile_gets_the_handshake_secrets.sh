#!/usr/bin/env bash
# SSLKEYLOGFILE for connect quic:// (honoured by GnuTLS): the file gets the connection's secrets
# in NSS key log format, CLIENT_HANDSHAKE_TRAFFIC_SECRET among them, so Wireshark can decrypt it.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

start_quic --echo
SSLKEYLOGFILE=$T/keys expect_exit 0 "$VITNET" connect --pin "$PIN" --send hello "$URL"
expect_content "$OUT" 'hello'
[[ -s $T/keys ]] || fail "nothing was written to SSLKEYLOGFILE"
grep -qE '^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]+$' "$T/keys" || { show "$T/keys"; fail "no CLIENT_HANDSHAKE_TRAFFIC_SECRET line"; }
expect_contains "$T/keys" "CLIENT_TRAFFIC_SECRET_0 "
