#!/usr/bin/env bash
# A JSON body nested 200,000 levels deep once crashed the mock API (printing and comparing JSON
# recurse once per level). Now it gets 400 naming the limit, and the server goes on answering;
# nesting a real document uses (up to 128 levels) still works.
source "$(dirname "$0")/../lib/lib.sh"
cat >"$T/routes.toml" <<'TOML'
[[route]]
method = "POST"
path = "/echo"
json = { name = "{{body.name}}", raw = "{{body}}" }
TOML
start_serve "http://127.0.0.1:0" --routes "$T/routes.toml"
python3 -c 'print("[" * 200000 + "]" * 200000, end="")' >"$T/deep.json"
code=$(curl -s -o "$T/deep.out" -w '%{http_code}' --data-binary @"$T/deep.json" \
  -H 'Content-Type: application/json' "$URL/echo")
[[ $code == 400 ]] || fail "deep JSON got $code: $(head -c 300 "$T/deep.out")"
expect_contains "$T/deep.out" "deeper than 128 levels"
# The same depth under the templated field, which was printed recursively: a crash before.
python3 -c 'print("{\"name\":" + "[" * 200000 + "]" * 200000 + "}", end="")' >"$T/field.json"
code=$(curl -s -o "$T/field.out" -w '%{http_code}' --data-binary @"$T/field.json" "$URL/echo")
[[ $code == 400 ]] || fail "deep JSON under the field got $code"
# Deep inside a string is not nesting; 100 levels of objects is allowed.
python3 -c 'import json; d={"name":"ada","s":"["*5000}
for _ in range(100): d={"n":d,"name":"ada"}
print(json.dumps(d), end="")' >"$T/ok.json"
code=$(curl -s -o "$T/ok.out" -w '%{http_code}' --data-binary @"$T/ok.json" "$URL/echo")
[[ $code == 200 ]] || fail "a 101-level document got $code: $(head -c 300 "$T/ok.out")"
expect_contains "$T/ok.out" '"name": "ada"'
kill -0 "$SERVE_PID" || fail "the server died"
