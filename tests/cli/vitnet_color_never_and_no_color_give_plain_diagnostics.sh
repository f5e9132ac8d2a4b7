#!/usr/bin/env bash
# --color never (and NO_COLOR with --color auto) give diagnostics without escape sequences;
# --color always colours them.
source "$(dirname "$0")/../lib/lib.sh"

port=$(free_port)
esc=$(printf '\033')

expect_exit 69 "$VITNET" connect --color never "127.0.0.1:$port" </dev/null
expect_not_contains "$ERR" "$esc"
expect_contains "$ERR" "vitnet: connect: 127.0.0.1:$port: connection refused"

NO_COLOR=1 expect_exit 69 "$VITNET" --color auto connect "127.0.0.1:$port" </dev/null
expect_not_contains "$ERR" "$esc"

expect_exit 69 "$VITNET" --color always connect "127.0.0.1:$port" </dev/null
expect_contains "$ERR" "$esc["
expect_contains "$ERR" "connection refused"
# Colour changes how a diagnostic looks, never what it says.
plain=$(sed "s/$esc\[[0-9;]*m//g" "$ERR")
[[ $plain == "vitnet: connect: 127.0.0.1:$port: connection refused" ]] ||
  fail "coloured diagnostic reads '$plain' once the colour is removed"
