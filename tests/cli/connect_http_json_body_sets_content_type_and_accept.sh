#!/usr/bin/env bash
# --json-body sends JSON with Content-Type and Accept application/json (the global --json is the
# output document, hence the name); malformed JSON is refused with 65 before anything is sent.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" connect --json-body '{"a": [1, 2]}' "http://127.0.0.1:$HTTP_PORT/echo"
python3 - "$OUT" <<'PY' || fail "the server did not get the JSON request"
import base64, json, sys
d = json.load(open(sys.argv[1]))
assert d["method"] == "POST", d
assert d["headers"]["content-type"] == "application/json", d
assert d["headers"]["accept"] == "application/json", d
assert json.loads(base64.b64decode(d["body_b64"])) == {"a": [1, 2]}, d
PY

expect_exit 65 "$VITNET" connect --json-body '{"a":' "http://127.0.0.1:$HTTP_PORT/echo"
expect_contains "$ERR" "--json-body: not valid JSON"
expect_diagnostic "$ERR"
expect_empty "$OUT"
