#!/usr/bin/env bash
# --data @FILE sends the file and --data @- sends stdin, both byte for byte (binary, newlines and
# all, unlike curl's -d which strips newlines from files).
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

head -c 70000 /dev/urandom >"$T/body.bin"
printf 'line one\nline two\n' >>"$T/body.bin"

check_body() {
  python3 - "$OUT" "$T/body.bin" <<'PY' || fail "the body the server got differs from $T/body.bin"
import base64, json, sys
d = json.load(open(sys.argv[1]))
assert base64.b64decode(d["body_b64"]) == open(sys.argv[2], "rb").read()
PY
}

expect_exit 0 "$VITNET" connect --data "@$T/body.bin" "http://127.0.0.1:$HTTP_PORT/echo"
check_body
expect_exit 0 "$VITNET" connect --data @- "http://127.0.0.1:$HTTP_PORT/echo" <"$T/body.bin"
check_body

expect_exit 66 "$VITNET" connect --data "@$T/missing" "http://127.0.0.1:$HTTP_PORT/echo"
expect_contains "$ERR" "$T/missing"
expect_diagnostic "$ERR"
