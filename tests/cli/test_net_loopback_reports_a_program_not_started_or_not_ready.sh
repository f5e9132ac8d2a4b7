#!/usr/bin/env bash
# A program that cannot be started fails its process (exit 127, the reason named), one that never
# becomes ready fails the run once its ready timeout passes, and the report of a failed run shows
# what each process printed.
source "$(dirname "$0")/../lib/lib.sh"

cat >"$T/bad.toml" <<TOML
hosts = ["a", "b"]
timeout = "10s"
wall_timeout = "10s"

[[process]]
name = "missing"
host = "a"
argv = ["$T/no-such-program"]
expect = { exit = 0 }

[[process]]
name = "silent"
host = "a"
exec = "sh -c 'echo waiting for nothing; sleep 5'"
ready = { url = "tcp://a:\${port.never}", timeout = "700ms" }

[[process]]
name = "after"
host = "b"
exec = "echo started"
TOML
EXPECT_TIMEOUT=20 expect_exit 1 "$VITNET" test net --net loopback "$T/bad.toml"
expect_contains "$OUT" "missing ($T/bad.toml:5): could not be started: spawn: $T/no-such-program: no such file or directory"
expect_contains "$OUT" "missing ($T/bad.toml:5): expected exit 0, got 127"
expect_contains "$OUT" "silent ($T/bad.toml:11): not ready at tcp://a:"
expect_contains "$OUT" "within 700ms"
# The output of a failed run: the silent program's line is in the report.
expect_contains "$OUT" "| waiting for nothing"
# Nothing after a process that never became ready starts.
expect_not_contains "$OUT" "| started"
