#!/usr/bin/env bash
# rpc serve --exec NAME=CMD (params as JSON on stdin, stdout the result, a non-zero exit an error,
# --exec-timeout stops a command that hangs) and --openrpc DOC (answers from examples, params
# checked against schemas: -32602 naming the param; the document in rpc.discover; rpc list
# prints it); a methods file or document that does not load: exit 65 naming file and line.
source "$(dirname "$0")/../lib/lib.sh"
need python3

cat >"$T/doc.json" <<'DOC'
{
  "openrpc": "1.2.6",
  "info": {"title": "petstore", "version": "2.1.0"},
  "methods": [
    {
      "name": "get_pet",
      "summary": "a pet by id",
      "params": [
        {"name": "id", "required": true, "schema": {"type": "integer", "minimum": 1}},
        {"name": "fields", "schema": {"type": "array", "items": {"type": "string"}}}
      ],
      "result": {"name": "pet", "schema": {"$ref": "#/components/schemas/Pet"}},
      "examples": [
        {"name": "one", "params": [{"name": "id", "value": 1}], "result": {"name": "pet", "value": {"id": 1, "name": "rex"}}},
        {"name": "two", "params": [{"name": "id", "value": 2}], "result": {"name": "pet", "value": {"id": 2, "name": "tom"}}}
      ]
    },
    {
      "name": "add_pet",
      "paramStructure": "by-name",
      "params": [{"name": "pet", "required": true, "schema": {"$ref": "#/components/schemas/Pet"}}],
      "result": {"name": "ok", "schema": {"type": "boolean"}}
    }
  ],
  "components": {"schemas": {"Pet": {"type": "object", "required": ["name"], "properties": {"id": {"type": "integer"}, "name": {"type": "string", "minLength": 1}}, "additionalProperties": false}}}
}
DOC

start_rpc_serve tcp://127.0.0.1:0 --openrpc "$T/doc.json" \
  --exec 'upper=tr a-z A-Z' --exec 'count=wc -c' --exec 'fail=echo oops; exit 3' \
  --exec 'hang=sleep 30' --exec-timeout 500ms
expect_exit 0 "$VITNET" rpc call "$URL" upper '"abc"'
expect_content "$OUT" '["ABC"]\n'
expect_exit 0 "$VITNET" rpc call "$URL" count a=1
expect_content "$OUT" '8\n'
expect_exit 1 "$VITNET" rpc call "$URL" fail
python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); assert e["code"] == -32000 and "exited with 3" in e["message"] and e["data"] == {"exit": 3, "output": "oops\n"}, e' "$OUT" ||
  { show "$OUT"; fail "a failing command is not an error object"; }
expect_exit 1 "$VITNET" rpc call "$URL" hang
expect_contains "$OUT" "timed out after 500ms"
wait_until 5 bash -c '! pgrep -f "^sleep 30$" >/dev/null' || fail "the command that hung was not stopped"

expect_exit 0 "$VITNET" rpc call "$URL" get_pet 2
expect_content "$OUT" '{"id":2,"name":"tom"}\n'
expect_exit 0 "$VITNET" rpc call "$URL" get_pet id=1
expect_content "$OUT" '{"id":1,"name":"rex"}\n'
expect_exit 0 "$VITNET" rpc call "$URL" get_pet 7
expect_content "$OUT" '{"id":1,"name":"rex"}\n'
expect_exit 1 "$VITNET" rpc call "$URL" get_pet '"seven"'
expect_contains "$OUT" '"code":-32602'
expect_contains "$OUT" "param 'id': expected integer, got string"
expect_exit 1 "$VITNET" rpc call "$URL" get_pet 0
expect_contains "$OUT" "param 'id': 0 is below the minimum 1"
expect_exit 1 "$VITNET" rpc call "$URL" get_pet
expect_contains "$OUT" "param 'id' is required"
expect_exit 1 "$VITNET" rpc call "$URL" add_pet '{"name":"x"}'
expect_contains "$OUT" "params go by name"
expect_exit 1 "$VITNET" rpc call "$URL" add_pet 'pet={"name":"x","age":3}'
expect_contains "$OUT" "param 'pet': 'age' is not allowed"
expect_exit 0 "$VITNET" rpc call "$URL" add_pet 'pet={"name":"x"}'
expect_content "$OUT" 'null\n'

expect_exit 0 "$VITNET" rpc call "$URL" rpc.discover
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "rpc.discover does not hold the document and the commands"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["info"] == {"title": "petstore", "version": "2.1.0"}, d["info"]
names = [m["name"] for m in d["methods"]]
assert set(names) == {"upper", "count", "fail", "hang", "get_pet", "add_pet"}, names
assert "Pet" in d["components"]["schemas"]
PY

# Files that do not load.
printf '[[method]]\nname = "a"\nresult = 1\n\n[[method]]\nname = "a"\nresutl = 2\ndelay = "soon"\n' >"$T/bad.toml"
expect_exit 65 "$VITNET" rpc serve tcp://127.0.0.1:0 --methods "$T/bad.toml"
expect_contains "$ERR" "bad.toml:7: unknown key 'resutl'"
expect_contains "$ERR" "bad.toml:8: 'delay' must be a duration"
expect_contains "$ERR" "method 'a' is defined twice"
printf '[[method]]\nname = "a"\nresult = "{{parms.x}}"\n' >"$T/tmpl.toml"
expect_exit 65 "$VITNET" rpc serve tcp://127.0.0.1:0 --methods "$T/tmpl.toml"
expect_contains "$ERR" "tmpl.toml:3: unknown placeholder {{parms.x}}"
printf '{"methods": [\n  {"name": 1}\n' >"$T/bad.json"
expect_exit 65 "$VITNET" rpc serve tcp://127.0.0.1:0 --openrpc "$T/bad.json"
expect_contains "$ERR" "bad.json:3: not JSON"
expect_exit 66 "$VITNET" rpc serve tcp://127.0.0.1:0 --methods "$T/missing.toml"
expect_exit 64 "$VITNET" rpc serve tcp://127.0.0.1:0 --exec 'rpc.x=true'
