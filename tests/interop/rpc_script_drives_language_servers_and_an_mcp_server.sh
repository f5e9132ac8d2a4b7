#!/usr/bin/env bash
# rpc call --script over --exec with LSP framing drives real language servers through a whole
# session — initialize, initialized, didOpen, a request about the file, shutdown, exit — and
# exits 0 with each call's result: pylsp (documentSymbol and hover of a small Python file) and
# clangd (documentSymbol of a small C file). --mcp does the Model Context Protocol handshake
# itself before calling a tool of the MCP "everything" server (node, over stdio).
source "$(dirname "$0")/../lib/lib.sh"
need /usr/bin/python3
VITNET_SOURCE=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
export HOME=$T XDG_CACHE_HOME=$T/cache

# An LSP session script for FILE (language LANG), with REQUEST steps in the middle.
lsp_script() {  # lsp_script FILE LANG REQUEST_STEP...
  local file=$1 lang=$2
  shift 2
  /usr/bin/python3 - "$file" "$lang" "$@" <<'PY'
import json, os, sys
path, lang, steps = sys.argv[1], sys.argv[2], sys.argv[3:]
uri = "file://" + path
print(json.dumps({"call": "initialize", "params": {"processId": os.getpid(), "rootUri": "file://" + os.path.dirname(path), "capabilities": {}}}))
print(json.dumps({"notify": "initialized", "params": {}}))
print(json.dumps({"notify": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": lang, "version": 1, "text": open(path).read()}}}))
for s in steps:
    step = json.loads(s)
    step["params"]["textDocument"] = {"uri": uri}
    print(json.dumps(step))
print(json.dumps({"call": "shutdown"}))
print(json.dumps({"notify": "exit"}))
PY
}

if command -v pylsp >/dev/null; then
  printf 'def greet(name):\n    """Say hello."""\n    return "hi " + name\n\n\nclass Box:\n    pass\n' >"$T/m.py"
  lsp_script "$T/m.py" python '{"call":"textDocument/documentSymbol","params":{}}' \
    '{"call":"textDocument/hover","params":{"position":{"line":0,"character":5}}}' >"$T/py.ndjson"
  expect_exit 0 "$VITNET" rpc call --exec pylsp --framing lsp --timeout 20s --script "$T/py.ndjson"
  /usr/bin/python3 - "$OUT" <<'PY' || { show "$OUT"; fail "pylsp's answers are wrong"; }
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 4, lines
assert "hoverProvider" in lines[0]["capabilities"], lines[0]
assert {s["name"] for s in lines[1]} >= {"greet", "Box"}, lines[1]
assert "Say hello." in json.dumps(lines[2]), lines[2]
assert lines[3] is None, lines[3]
PY
else
  echo "pylsp is not installed: its part is skipped" >&2
fi

need clangd
printf 'struct point { int x, y; };\nint area(struct point p) { return p.x * p.y; }\n' >"$T/a.c"
lsp_script "$T/a.c" c '{"call":"textDocument/documentSymbol","params":{}}' >"$T/c.ndjson"
expect_exit 0 "$VITNET" rpc call --exec 'clangd --log=error' --framing lsp --timeout 20s --script "$T/c.ndjson"
/usr/bin/python3 - "$OUT" <<'PY' || { show "$OUT"; fail "clangd's answers are wrong"; }
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 3 and lines[2] is None, lines
names = {s["name"] for s in lines[1]}
assert {"point", "area"} <= names, names
PY

MCP=$VITNET_SOURCE/tests/node_modules/@modelcontextprotocol/server-everything/dist/index.js
if command -v node >/dev/null && [[ -f $MCP ]]; then
  expect_exit 0 "$VITNET" -v rpc call --mcp --exec "node $MCP stdio" tools/call name=echo arguments='{"message":"hello mcp"}'
  expect_contains "$OUT" "hello mcp"
  expect_contains "$ERR" "MCP server"
  expect_exit 0 "$VITNET" rpc call --mcp --exec "node $MCP stdio" tools/list
  /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(t["name"] == "echo" for t in d["tools"]), d' "$OUT" ||
    fail "tools/list after --mcp has no echo tool"
else
  echo "node or the MCP everything server is not installed: the MCP part is skipped" >&2
fi
