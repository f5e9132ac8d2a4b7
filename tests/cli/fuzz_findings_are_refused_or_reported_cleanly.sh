#!/usr/bin/env bash
# What the fuzzers found, seen from the command line: each input once crashed the parser or was
# undefined behaviour (caught by make sanitize). Now each is a clear error or a valid report.
source "$(dirname "$0")/../lib/lib.sh"

# A bandwidth too large for any counter (fuzz_fault_file): refused, file and line.
printf '[[fault]]\nkind = "bandwidth"\nbandwidth = "%s4Mbit"\n' "$(printf '7%.0s' {1..60})" >"$T/faults.toml"
expect_exit 65 "$VITNET" proxy tcp://127.0.0.1:0 --to tcp://127.0.0.1:9 --faults "$T/faults.toml"
expect_contains "$ERR" "faults.toml:3: 'bandwidth' must be a rate"

# A scenario variable that is a float too large for an integer (fuzz_scenario).
printf 'hosts = ["a"]\n[vars]\nn = 3999999999999999999999999999999990.01\n[[process]]\nhost = "a"\nrun = "serve :7"\n' >"$T/s.toml"
expect_exit 65 "$VITNET" test net "$T/s.toml"
expect_contains "$ERR" "s.toml:3: variable 'n' must be a string or an integer"

# A time past what the clock holds (fuzz_tls_strings).
for at in @176756225600 +99999999d 9999-12-31; do
  expect_exit 64 "$VITNET" tls verify --at "$at" "$T/none.pem"
  expect_contains "$ERR" "is not a time"
done

# A server whose header names and location are not UTF-8 (fuzz_http_client_head): the --json
# report still serialises (it ended the process with an uncaught exception).
printf 'HTTP/1.1 200 OK\r\nX-\xd0\x01y: \xff\xfe\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok' >"$T/reply"
start_serve -k --reply "@$T/reply" tcp://127.0.0.1:0
expect_exit 0 "$VITNET" connect --json "http://127.0.0.1:$(url_port "$URL")/"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"] == 200 and d["body"] == "ok", d' "$OUT" ||
  { show "$OUT"; fail "the --json report is not valid JSON with the answer"; }
