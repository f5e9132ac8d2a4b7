#!/usr/bin/env bash
# serve ws:// with --bearer or --basic-auth answers an upgrade without the right credentials with
# 401 and starts nothing: the --exec child runs only for a client that authenticated.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --exec "echo ran >> '$T/ran'; cat" --bearer sekret "ws://127.0.0.1:0"
expect_exit 76 "$VITNET" connect "$URL" <<<"no token"
expect_contains "$ERR" "got 401"
expect_exit 76 "$VITNET" connect -H 'Authorization: Bearer wrong' "$URL" <<<"wrong token"
[[ ! -e $T/ran ]] || fail "the child ran for a client without the token"
expect_exit 0 "$VITNET" connect --linger 1s -H 'Authorization: Bearer sekret' "$URL" <<<"with token"
expect_content "$OUT" 'with token\n'
expect_content "$T/ran" 'ran\n'

start_serve -k --echo --basic-auth user:pass "ws://127.0.0.1:0"
expect_exit 76 "$VITNET" connect "$URL" <<<"none"
expect_exit 0 "$VITNET" connect --linger 1s -H "Authorization: Basic $(printf user:pass | base64)" \
  "$URL" <<<"basic"
expect_content "$OUT" 'basic\n'
