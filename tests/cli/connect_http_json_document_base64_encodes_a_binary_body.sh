#!/usr/bin/env bash
# In the --json document a body that is not UTF-8 is base64, and body_encoding says so.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" --json connect "http://127.0.0.1:$HTTP_PORT/bytes?n=1000"
python3 - "$OUT" <<'PY' || fail "the binary body is not base64 in the document"
import base64, json, sys
d = json.load(open(sys.argv[1]))
assert d["body_encoding"] == "base64", d
assert base64.b64decode(d["body"]) == bytes(i % 256 for i in range(1000))
assert d["size"] == 1000
PY
