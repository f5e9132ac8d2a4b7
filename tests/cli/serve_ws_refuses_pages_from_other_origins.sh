#!/usr/bin/env bash
# A browser lets any web page open a WebSocket to localhost and says which page in Origin. serve
# ws:// admits clients that send no Origin and pages of its own host and port; a page from
# elsewhere gets 403 (and the server says how to admit it) unless --origin names it.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --echo "ws://127.0.0.1:0"
port=$(url_port "$URL")
expect_exit 0 "$VITNET" connect --linger 1s "$URL" <<<"no origin"
expect_content "$OUT" 'no origin\n'
expect_exit 0 "$VITNET" connect --linger 1s -H "Origin: http://127.0.0.1:$port" "$URL" <<<"own page"
expect_content "$OUT" 'own page\n'
expect_exit 76 "$VITNET" connect -H 'Origin: https://attacker.example' "$URL" <<<"cross-site"
expect_contains "$ERR" "got 403"
expect_contains "$SERVE_ERR" "refused a page from https://attacker.example; serve --origin"
expect_exit 76 "$VITNET" connect -H 'Origin: null' "$URL" <<<"sandboxed"

start_serve -k --echo --origin HTTP://App.Test:3000 "ws://127.0.0.1:0"
expect_exit 0 "$VITNET" connect --linger 1s -H 'Origin: http://app.test:3000' "$URL" <<<"named"
expect_content "$OUT" 'named\n'
expect_exit 76 "$VITNET" connect -H 'Origin: http://app.test:3001' "$URL" <<<"other port"

start_serve -k --echo --origin '*' "ws://127.0.0.1:0"
expect_exit 0 "$VITNET" connect --linger 1s -H 'Origin: https://anyone.example' "$URL" <<<"any"

expect_exit 64 "$VITNET" serve --echo --origin 'http://x/path' "ws://127.0.0.1:0"
expect_contains "$ERR" "is not an origin"
expect_exit 64 "$VITNET" serve --echo --origin 'http://x' "tcp://127.0.0.1:0"
