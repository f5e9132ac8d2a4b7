#!/usr/bin/env bash
# A program that is not vitnet uses real sockets, out of the mock network's reach: a scenario with
# one exits 78 on the mock backend naming the process and its line, instead of passing without it.
source "$(dirname "$0")/../lib/lib.sh"

cat >"$T/prog.toml" <<'TOML'
hosts = ["a"]

[[process]]
name = "ok"
host = "a"
run = "serve -k --echo tcp://:7"

[[process]]
name = "db"
host = "a"
argv = ["redis-server", "--port", "${port.db}"]
TOML
expect_exit 78 "$VITNET" test net "$T/prog.toml"
expect_empty "$OUT"
expect_contains "$ERR" "process 'db' ($T/prog.toml:8) runs a program ('redis-server'), and the mock network runs only vitnet commands"
expect_diagnostic "$ERR"
