#!/usr/bin/env bash
# A --session-file that is not a session (garbage, or a session block whose bytes were damaged)
# is only a hint: connect warns that it is not a vitnet QUIC session, makes a full handshake,
# relays as usual and exits 0, and replaces the file with a good session.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

start_quic -k --echo
S=$T/session

printf 'this is not a session\n' >"$S"
expect_exit 0 "$VITNET" connect --pin "$PIN" --session-file "$S" --0rtt --send one "$URL"
expect_content "$OUT" 'one'
expect_contains "$ERR" "--session-file $S: not a vitnet QUIC session"
expect_contains "$ERR" "quic: no 0-RTT"
wait_until 5 grep -q "BEGIN VITNET QUIC SESSION" "$S" || { show "$S"; fail "the damaged file was not replaced by a session"; }

# Flip bytes inside the base64 body of the good file: still a PEM block, no longer a session.
python3 - "$S" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
body = lines[1]
lines[1] = "A" * 8 + body[8:]
open(p, "w").write("\n".join(lines))
PY
expect_exit 0 "$VITNET" connect --pin "$PIN" --session-file "$S" --0rtt --send two "$URL"
expect_content "$OUT" 'two'
expect_contains "$ERR" "not a vitnet QUIC session"
expect_not_contains "$ERR" "0-RTT accepted"
