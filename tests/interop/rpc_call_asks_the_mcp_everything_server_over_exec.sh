#!/usr/bin/env bash
# rpc call --exec speaks to an MCP server over its stdin and stdout (one message per line): the
# reference "everything" server from @modelcontextprotocol answers initialize with the protocol
# version asked for and calls its echo tool, although it sends a notification first; the server
# is gone when vitnet is.
source "$(dirname "$0")/../lib/lib.sh"
command -v node >/dev/null || skip "node is not installed (scripts/deps.sh test installs it)"
MCP=$VITNET_SOURCE/tests/node_modules/@modelcontextprotocol/server-everything/dist/index.js
[[ -f $MCP ]] || skip "@modelcontextprotocol/server-everything is not in tests/node_modules (scripts/deps.sh test installs it)"
need python3

expect_exit 0 "$VITNET" rpc call --exec "echo \$\$ >'$T/pid'; exec node '$MCP' stdio" initialize \
  protocolVersion='"2025-06-18"' capabilities={} clientInfo='{"name":"vitnet-test","version":"0"}'
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "no initialize result from the MCP server"; }
import json, sys
r = json.load(open(sys.argv[1]))
assert r["protocolVersion"] == "2025-06-18", r["protocolVersion"]
assert r["serverInfo"]["name"] == "mcp-servers/everything", r["serverInfo"]
assert "tools" in r["capabilities"], r["capabilities"]
PY
gone() { ! kill -0 "$1" 2>/dev/null || [[ $(ps -o stat= -p "$1") == Z* ]]; }
wait_until 5 gone "$(cat "$T/pid")" || fail "the MCP server outlived vitnet"

expect_exit 0 "$VITNET" rpc call --exec "exec node '$MCP' stdio" tools/call name=echo arguments='{"message":"hi"}'
expect_content "$OUT" '{"content":[{"text":"Echo: hi","type":"text"}]}\n'
