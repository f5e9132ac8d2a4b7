#!/usr/bin/env bash
# --json prints one document: url, method, status, reason, http_version, headers (lowercase names,
# lists of values), timings in increasing order, size, and the body (UTF-8 as text).
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" --json connect "http://127.0.0.1:$HTTP_PORT/status/200"
python3 - "$OUT" "$HTTP_PORT" <<'PY' || fail "the JSON document is not as documented"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["url"] == f"http://127.0.0.1:{sys.argv[2]}/status/200", d
assert d["method"] == "GET" and d["status"] == 200 and d["reason"] == "OK", d
assert d["http_version"] == "1.1", d
assert d["headers"]["content-length"] == ["11"], d
assert d["headers"]["content-type"] == ["text/plain"], d
t = d["timings"]
assert t["tls"] is None, t
assert 0 <= t["dns"] <= t["connect"] <= t["first_byte"] <= t["total"], t
assert d["size"] == 11 and d["body"] == "status 200\n" and d["body_encoding"] == "utf-8", d
assert d["redirects"] == [] and d["attempts"] == 1, d
PY
expect_empty "$ERR"
