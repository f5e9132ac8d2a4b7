#!/usr/bin/env bash
# A 303 after a POST is fetched with GET and no body, as browsers and curl do; the --json
# document lists the redirect.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" --json connect --data secret "http://127.0.0.1:$HTTP_PORT/see-other"
python3 - "$OUT" <<'PY' || fail "the redirect was not followed with GET"
import json, sys
d = json.load(open(sys.argv[1]))
echo = json.loads(d["body"])
assert echo["method"] == "GET" and echo["body_b64"] == "", echo
assert d["method"] == "GET", d
assert [r["status"] for r in d["redirects"]] == [303], d
assert d["redirects"][0]["location"].endswith("/echo"), d
PY
