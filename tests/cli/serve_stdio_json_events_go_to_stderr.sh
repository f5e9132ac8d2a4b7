#!/usr/bin/env bash
# In stdio mode, serve --json keeps stdout for data: the NDJSON events go to stderr.
source "$(dirname "$0")/../lib/lib.sh"

echo 'from server' >"$T/serve.in"
SERVE_STDIN=$T/serve.in start_serve --json 127.0.0.1:0

expect_exit 0 "$VITNET" connect --send 'from client' "$URL"
expect_content "$OUT" 'from server\n'
expect_serve_exit 0
expect_content "$SERVE_OUT" 'from client'

for ev in listening open close; do
  grep "\"event\":\"$ev\"" "$SERVE_ERR" | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' \
    || { show "$SERVE_ERR"; fail "no JSON $ev event on stderr"; }
done
[[ $(grep '"event":"close"' "$SERVE_ERR" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["bytes_in"])') == 11 ]] \
  || { show "$SERVE_ERR"; fail "close event bytes_in is not 11"; }
