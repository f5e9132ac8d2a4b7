#!/usr/bin/env bash
# Every script in examples/ runs to completion with the built binary, as a newcomer would run it.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
for example in "$src"/examples/*.sh; do
  if ! VITNET=$VITNET timeout 30 bash "$example" >"$T/out" 2>"$T/err"; then
    cat "$T/err" >&2
    fail "$(basename "$example") failed"
  fi
done
[[ -s $T/out ]] || fail "the last example printed nothing"
