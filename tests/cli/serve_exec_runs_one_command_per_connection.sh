#!/usr/bin/env bash
# serve -k --exec runs a fresh command for each connection: two clients each get their own answer.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --exec 'read -r line; echo "hello $line from $$"' 127.0.0.1:0

expect_exit 0 "$VITNET" connect --send $'ann\n' "$URL"
first=$(cat "$OUT")
[[ $first == "hello ann from "* ]] || { show "$OUT"; fail "first answer is '$first'"; }

expect_exit 0 "$VITNET" connect --send $'bob\n' "$URL"
second=$(cat "$OUT")
[[ $second == "hello bob from "* ]] || { show "$OUT"; fail "second answer is '$second'"; }
[[ ${first##* } != "${second##* }" ]] || fail "both connections were answered by the same shell (pid ${first##* })"
