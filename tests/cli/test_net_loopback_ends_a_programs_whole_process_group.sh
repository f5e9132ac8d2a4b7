#!/usr/bin/env bash
# A program that starts others (a shell with a background job) is ended with everything it
# started when the scenario ends: SIGTERM to its process group, then SIGKILL. Nothing is left.
source "$(dirname "$0")/../lib/lib.sh"

cat >"$T/group.toml" <<TOML
hosts = ["a"]
timeout = "10s"
wall_timeout = "10s"

[[process]]
name = "parent"
host = "a"
# The child ignores SIGTERM: only the SIGKILL that follows can end it.
exec = "sh -c 'sh -c \"trap \\\\\"\\\\\" TERM; echo \\\\\$\\\\\$ > $T/child.pid; while :; do sleep 1; done\" & wait'"
expect = { running = true }

[[process]]
name = "check"
host = "a"
start = "1s"
exec = "sh -c 'test -s $T/child.pid && kill -0 \$(cat $T/child.pid) && echo alive'"
expect = { exit = 0, stdout = "alive\n" }
TOML
EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" test net --net loopback "$T/group.toml"
expect_contains "$OUT" "1 passed, 0 failed"
child=$(cat "$T/child.pid")
[[ -n $child ]] || fail "the grandchild did not write its pid"
# Gone, or a zombie waiting for a reaper (an orphan's reaper is PID 1, which in some containers
# never reaps): either way it no longer runs.
state=$(awk '{print $3}' "/proc/$child/stat" 2>/dev/null)
if [[ -n $state && $state != Z ]]; then
  kill -9 "$child"
  fail "the program's child ($child) outlived the scenario"
fi
