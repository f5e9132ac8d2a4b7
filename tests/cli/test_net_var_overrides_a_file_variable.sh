#!/usr/bin/env bash
# `--var NAME=VALUE` overrides the [vars] of the file: with the file's values the scenario fails,
# with --var port=7777 --var greeting=bonjour the server listens on 7777 and the echo says bonjour.
source "$(dirname "$0")/../lib/lib.sh"

cat >"$T/vars.toml" <<'TOML'
hosts = ["server", "client"]

[vars]
port = "7000"
greeting = "hello"

[[process]]
name = "echo"
host = "server"
run = "serve -k --echo tcp://:${port}"
expect = { running = true, stderr_contains = "listening on tcp://[::]:7777" }

[[process]]
name = "client"
host = "client"
run = "connect tcp://server:${port}"
stdin = "${greeting}\n"
expect = { exit = 0, stdout = "bonjour\n" }
TOML
expect_exit 1 "$VITNET" test net "$T/vars.toml"
expect_contains "$OUT" 'stdout is "hello\n", expected "bonjour\n"'
expect_exit 0 "$VITNET" test net "$T/vars.toml" --var port=7777 --var greeting=bonjour
expect_contains "$OUT" "1 passed, 0 failed"
