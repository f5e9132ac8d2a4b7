#!/usr/bin/env bash
# rpc call --framing lsp and notify over TCP against node's vscode-jsonrpc (the library behind VS
# Code's language clients and servers), which frames each message with Content-Length headers:
# params by position and by name, a result (exit 0), its error object (exit 1), -32601, a
# notification that arrives, a large message of multibyte text (lengths in bytes, both ways), and
# --timeout (75).
source "$(dirname "$0")/../lib/lib.sh"
need_node_module vscode-jsonrpc/node
need python3

start_node_rpc_server vscode-tcp
U=tcp://127.0.0.1:$PORT
lsp=(--framing lsp)

expect_exit 0 "$VITNET" rpc call "${lsp[@]}" "$U" add 10 -4
expect_content "$OUT" '6\n'
expect_exit 0 "$VITNET" rpc call "${lsp[@]}" "$U" add a=1.25 b=2
expect_content "$OUT" '3.25\n'
expect_exit 0 "$VITNET" rpc call "${lsp[@]}" "$U" echo '{"uri":"file:///x.c"}' null
expect_content "$OUT" '[{"uri":"file:///x.c"},null]\n'

expect_exit 1 "$VITNET" rpc call "${lsp[@]}" "$U" fail
expect_content "$OUT" '{"code":-32001,"data":{"why":"test"},"message":"failed on purpose"}\n'
expect_contains "$ERR" "answered error -32001: failed on purpose"
expect_exit 1 "$VITNET" rpc call "${lsp[@]}" "$U" textDocument/nothing
expect_contains "$OUT" '"code":-32601'

expect_exit 0 "$VITNET" rpc notify "${lsp[@]}" "$U" echo note=lsp
wait_until 5 has_lines 1 "$NOTES" '{"method":"echo","params":{"note":"lsp"}}' ||
  { show "$NOTES"; fail "the notification did not reach vscode-jsonrpc"; }

# About 1.5 MB of text where most characters take 2 to 4 bytes: a Content-Length counted in
# characters anywhere would cut the message.
python3 -c 'import json; print(json.dumps({"text": "é✓😀" * 150000}, ensure_ascii=False))' >"$T/big.json"
expect_exit 0 "$VITNET" rpc call "${lsp[@]}" "$U" echo --params @"$T/big.json"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == json.load(open(sys.argv[2]))' "$OUT" "$T/big.json" ||
  fail "the large multibyte message did not come back as sent"

expect_exit 75 "$VITNET" rpc call "${lsp[@]}" --timeout 300ms "$U" sleep 5000
expect_contains "$ERR" "no answer from"
