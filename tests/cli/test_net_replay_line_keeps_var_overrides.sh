#!/usr/bin/env bash
# The replay line of a run made with --var carries the --var too: without it, the printed command
# would run another scenario (the file's values) and not reproduce the failure.
source "$(dirname "$0")/../lib/lib.sh"

cat >"$T/vars.toml" <<'TOML'
hosts = ["server", "client"]

[vars]
greeting = "hello"

[[process]]
name = "echo"
host = "server"
run = "serve -k --echo tcp://:7000"
expect = { running = true }

[[process]]
name = "client"
host = "client"
run = "connect tcp://server:7000"
stdin = "${greeting}\n"
expect = { exit = 0, stdout = "hello\n" }
TOML
expect_exit 1 "$VITNET" test net "$T/vars.toml" --var greeting=salut
expect_contains "$OUT" 'stdout is "salut\n", expected "hello\n"'
replay=$(grep -m1 '^      replay: ' "$OUT" | sed 's/^      replay: //')
[[ $replay == *"--var greeting=salut"* ]] || fail "the replay line does not carry --var greeting=salut: '$replay'"
