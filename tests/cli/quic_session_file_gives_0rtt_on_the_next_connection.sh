#!/usr/bin/env bash
# --session-file: the first quic:// connection keeps the server's ticket in the file (mode 0600,
# a VITNET QUIC SESSION block); the second, with --0rtt, sends its bytes as early data, says
# "0-RTT accepted", and the server got them (they come back from the echo).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

start_quic -k --echo
S=$T/session

expect_exit 0 "$VITNET" connect --pin "$PIN" --session-file "$S" --send first "$URL"
expect_content "$OUT" 'first'
wait_until 5 test -s "$S" || fail "the first connection wrote no session file"
[[ $(stat -c %a "$S") == 600 ]] || fail "session file mode is $(stat -c %a "$S"), expected 600"
expect_contains "$S" "BEGIN VITNET QUIC SESSION"

expect_exit 0 "$VITNET" connect --pin "$PIN" --session-file "$S" --0rtt --send 'early bytes' "$URL"
expect_content "$OUT" 'early bytes'
expect_contains "$ERR" "quic: 0-RTT accepted"
expect_not_contains "$ERR" "rejected"

# Without a session file to resume, --0rtt says there was none, and the bytes still go.
expect_exit 0 "$VITNET" connect --pin "$PIN" --session-file "$T/none" --0rtt --send late "$URL"
expect_content "$OUT" 'late'
expect_contains "$ERR" "quic: no 0-RTT"
