#!/usr/bin/env bash
# What a process prints need not be UTF-8 (here a reply of bytes C3 FF 00 01 from a file, served on
# loopback): the --json report is still NDJSON (exit 0, not 70) and the --junit report still XML.
source "$(dirname "$0")/../lib/lib.sh"
need python3

printf '\xc3\xff\x00\x01binary\n' >"$T/reply.bin"
cat >"$T/binary.toml" <<'TOML'
hosts = ["server", "client"]
timeout = "10s"
wall_timeout = "10s"

[[process]]
name = "server"
host = "server"
run = "serve -k --reply @${file} tcp://:${port}"
expect = { running = true }

[[process]]
name = "client"
host = "client"
start = "500ms"
run = "connect --recv-only --retry 5 --retry-delay 100ms tcp://server:${port}"
expect = { exit = 0, stdout_contains = "binary" }
TOML
port=$(free_port)

EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" --json test net --net loopback "$T/binary.toml" --var "file=$T/reply.bin" --var "port=$port"
expect_ndjson "$OUT"
[[ $(json_get "$OUT" summary passed) == 1 ]] || { show "$OUT"; fail "the scenario did not pass"; }

EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" test net --net loopback "$T/binary.toml" --var "file=$T/reply.bin" --var "port=$port" --junit "$T/junit.xml"
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$T/junit.xml" || { show "$T/junit.xml"; fail "the JUnit report is not XML"; }
