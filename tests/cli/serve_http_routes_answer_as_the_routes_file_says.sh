#!/usr/bin/env bash
# serve --routes: params, query defaults, headers, JSON body matchers, templated headers,
# sequences, delays, a chunked upload, 404s naming the closest route, and the request log at
# /__vitnet/requests (reset by DELETE).
source "$(dirname "$0")/../lib/lib.sh"
need curl

start_serve "http://127.0.0.1:0" --routes "$VITNET_SOURCE/tests/http/api.toml"
body=$(curl -sf -A tester "$URL/users/42?verbose=1")
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d=={"id":"42","agent":"tester","verbose":"1"}, d' "$body" \
  || fail "GET /users/42: $body"
body=$(curl -sf "$URL/users/7")
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["verbose"]=="0", d' "$body" || fail "query default: $body"
curl -s -D "$T/h" -o "$T/b" -H 'Content-Type: application/json' -d '{"name":"ada","role":"admin"}' "$URL/users"
grep -q '^HTTP/1.1 201' "$T/h" || fail "POST /users: $(cat "$T/h")"
grep -qi '^location: /users/ada' "$T/h" || fail "templated Location: $(cat "$T/h")"
[[ $(cat "$T/b") == "created ada" ]] || fail "POST body: $(cat "$T/b")"
code=$(curl -s -o /dev/null -w '%{http_code}' -d '{"name":"bob","role":"user"}' "$URL/users")
[[ $code == 404 ]] || fail "a body that does not match should 404, got $code"
# A chunked upload reaches the template whole.
seq 1 2000 >"$T/upload"
curl -sf -H 'Transfer-Encoding: chunked' -X PUT --data-binary @"$T/upload" "$URL/echo/a/b" >"$T/echo"
[[ $(head -c 11 "$T/echo") == "PUT a/b 1"$'\n'"2" ]] || fail "chunked echo: $(head -c 40 "$T/echo")"
cmp <(tail -c +9 "$T/echo") "$T/upload" || fail "the chunked body was not echoed whole"
codes="$(curl -s -o /dev/null -o /dev/null -o /dev/null -w '%{http_code} ' "$URL/flaky" "$URL/flaky" "$URL/flaky")"
[[ $codes == "503 200 200 " ]] || fail "sequence: $codes"
start=$(date +%s%N)
[[ $(curl -sf "$URL/slow") == late ]] || fail "slow route"
(( ($(date +%s%N) - start) / 1000000 >= 290 )) || fail "the delay was not applied"
curl -s "$URL/user/1" >"$T/404"
grep -q '"name": "get user"' "$T/404" || fail "the 404 does not name the closest route: $(cat "$T/404")"
grep -q "path segment 1 is 'user', route wants 'users'" "$T/404" || fail "the 404 does not say why"
curl -sf "$URL/__vitnet/requests" >"$T/log.json"
python3 - "$T/log.json" <<'PY' || fail "request log: $(head -c 600 "$T/log.json")"
import json, sys
d = json.load(open(sys.argv[1]))
counts = {r["name"]: r["count"] for r in d["routes"]}
assert counts["get user"] == 2 and counts["flaky"] == 3 and counts["create user"] == 1, counts
assert d["unmatched"] == 2, d["unmatched"]
PY
curl -sf -X DELETE "$URL/__vitnet/requests" >/dev/null
curl -sf "$URL/__vitnet/requests" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["total"]==0, d' || fail "DELETE did not reset"
