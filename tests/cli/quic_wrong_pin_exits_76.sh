#!/usr/bin/env bash
# A --pin that is not the server's certificate ends the quic:// handshake: exit 76, the message
# says the certificate does not match --pin, and nothing is printed.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

start_quic --echo
wrong=sha256:$(printf 'AB%.0s' {1..32})
[[ $wrong != "$PIN" ]] || fail "the made-up pin is the server's"
expect_exit 76 "$VITNET" connect --pin "$wrong" --send hello "$URL"
expect_empty "$OUT"
expect_contains "$ERR" "does not match --pin"
expect_diagnostic "$ERR"
# The right pin works against the same server.
expect_exit 0 "$VITNET" connect --pin "$PIN" --send hello "$URL"
expect_content "$OUT" 'hello'
