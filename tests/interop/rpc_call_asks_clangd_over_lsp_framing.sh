#!/usr/bin/env bash
# rpc call --exec speaks LSP's framing to a real language server, clangd: its answer to
# initialize is printed as JSON (exit 0), and clangd is gone when vitnet is.
source "$(dirname "$0")/../lib/lib.sh"
need clangd
need python3
cd "$T"
expect_exit 0 "$VITNET" rpc call --exec "echo \$\$ >'$T/pid'; exec clangd" --framing lsp initialize processId=null \
  "rootUri=\"file://$T\"" capabilities={}
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "no initialize result from clangd"; }
import json, sys
r = json.load(open(sys.argv[1]))
assert r["serverInfo"]["name"] == "clangd", r.get("serverInfo")
assert r["capabilities"]["hoverProvider"] is True, r["capabilities"].get("hoverProvider")
PY
gone() { ! kill -0 "$1" 2>/dev/null || [[ $(ps -o stat= -p "$1") == Z* ]]; }
wait_until 5 gone "$(cat "$T/pid")" || fail "clangd outlived vitnet"
# A method clangd does not know before initialize: its error object, exit 1.
expect_exit 1 "$VITNET" rpc call --exec clangd --framing lsp textDocument/hover '{}'
python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); assert isinstance(e["code"], int) and e["message"], e' "$OUT" ||
  { show "$OUT"; fail "no error object from clangd"; }
