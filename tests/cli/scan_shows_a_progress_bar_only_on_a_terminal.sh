#!/usr/bin/env bash
# On a terminal, scan redraws a progress bar on stderr and clears it at the end; when stderr is a
# file or pipe there is none.
source "$(dirname "$0")/../lib/lib.sh"
need script

# --rate 1000 makes 400 probes last about 0.4 s: several redraws.
script -qefc "$VITNET scan --rate 1000 -p 1-400 127.0.0.1 2>&1 >/dev/null" /dev/null >"$T/tty" </dev/null \
  || fail "scan on a terminal failed: $(cat "$T/tty")"
grep -q "probes, 0 open" "$T/tty" || grep -q "probes, 1 open" "$T/tty" || fail "no progress bar: $(cat -v "$T/tty")"
grep -q $'\r\033\[K\[#*\.*\]' "$T/tty" || fail "the bar is not redrawn in place: $(cat -v "$T/tty")"
expect_exit 0 "$VITNET" scan --rate 1000 -p 1-400 127.0.0.1
expect_not_contains "$ERR" "probes,"
