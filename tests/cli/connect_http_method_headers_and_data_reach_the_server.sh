#!/usr/bin/env bash
# -X sets the method, -H adds headers and --data sends TEXT as the body: the echo server sees
# exactly those (and curl's form content type, which -H can override).
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" connect -X PUT -H 'X-Test: one two' -H 'Content-Type: text/plain' \
  --data 'a b&c' "http://127.0.0.1:$HTTP_PORT/echo"
python3 - "$OUT" <<'PY' || fail "the server did not see the request as sent"
import base64, json, sys
d = json.load(open(sys.argv[1]))
assert d["method"] == "PUT", d
assert d["headers"]["x-test"] == "one two", d
assert d["headers"]["content-type"] == "text/plain", d
assert base64.b64decode(d["body_b64"]) == b"a b&c", d
PY
expect_empty "$ERR"

# With a body and no -X the method is POST; without a body, GET.
expect_exit 0 "$VITNET" connect --data x "http://127.0.0.1:$HTTP_PORT/echo"
expect_contains "$OUT" '"method": "POST"'
expect_exit 0 "$VITNET" connect "http://127.0.0.1:$HTTP_PORT/echo"
expect_contains "$OUT" '"method": "GET"'
