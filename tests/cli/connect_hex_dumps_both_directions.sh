#!/usr/bin/env bash
# connect --hex writes a hex dump of sent ("> ") and received ("< ") bytes on stderr; stdout keeps
# the data.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo 127.0.0.1:0

expect_exit 0 "$VITNET" connect --hex --send 'AB' "$URL"
expect_content "$OUT" 'AB'
grep -E '^> .*41 42' "$ERR" >/dev/null || { show "$ERR"; fail "no '> ' line with 41 42 for the sent bytes"; }
grep -E '^< .*41 42' "$ERR" >/dev/null || { show "$ERR"; fail "no '< ' line with 41 42 for the received bytes"; }
