#!/usr/bin/env bash
# A TOML syntax error (a string never closed on line 4) exits 65 with one diagnostic naming the
# file and line, in the house style: `vitnet: ` then lowercase, no final period.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios/bad" || fail "no bad scenarios in $src/tests/scenarios/bad"

expect_exit 65 "$VITNET" test net syntax_error.toml
expect_empty "$OUT"
[[ $(wc -l <"$ERR") == 1 ]] || { show "$ERR"; fail "expected one diagnostic line"; }
expect_contains "$ERR" "vitnet: syntax_error.toml:4: "
expect_contains "$ERR" "string"
expect_diagnostic "$ERR"
# The message itself, after FILE:LINE:, is lowercase too (the parser's own wording is not).
message=$(sed 's/^vitnet: syntax_error.toml:4: //' "$ERR")
[[ ${message:0:1} != [[:upper:]] ]] || fail "the message after the line number is not lowercase: '$message'"
