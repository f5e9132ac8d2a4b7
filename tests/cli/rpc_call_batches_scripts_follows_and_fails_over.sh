#!/usr/bin/env bash
# rpc call beyond one call, against rpc serve and examples/methods.toml: --batch (a file and
# stdin; answers in the batch's order, exit 1 when one is an error, a whole-batch refusal), --script
# (NDJSON and array: calls, notifications, a wait for a notification; bad scripts exit 65 naming
# the line), --follow with --count (exit 0) and past --timeout (75), several URLs failing over in
# order (a warning names the dead one) and --balance random, rpc list as a table and as --json.
source "$(dirname "$0")/../lib/lib.sh"
need python3
VITNET_SOURCE=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}

start_rpc_serve tcp://127.0.0.1:0 --methods "$VITNET_SOURCE/examples/methods.toml"

# --batch: members answered in the batch's order; a notification in it gets no answer.
cat >"$T/batch.json" <<'B'
[{"jsonrpc":"2.0","method":"echo_pair","params":[1,2],"id":"first"},
 {"jsonrpc":"2.0","method":"greet","params":{"name":"n"}},
 {"jsonrpc":"2.0","method":"version","id":2}]
B
expect_exit 0 "$VITNET" rpc call "$URL" --batch "$T/batch.json"
expect_content "$OUT" '[{"id":"first","jsonrpc":"2.0","result":[2,1]},{"id":2,"jsonrpc":"2.0","result":{"name":"calculator","version":"1.0.0"}}]\n'
printf '[{"jsonrpc":"2.0","method":"nothing","id":1},{"jsonrpc":"2.0","method":"divide_by_zero","params":[4],"id":7}]' >"$T/b2.json"
expect_exit 1 "$VITNET" rpc call "$URL" --batch - <"$T/b2.json"
expect_contains "$OUT" '{"id":1,"jsonrpc":"2.0","result":null}'
expect_contains "$OUT" '"code":-32010'
printf '[]' >"$T/empty.json"
expect_exit 1 "$VITNET" rpc call "$URL" --batch "$T/empty.json"
expect_contains "$OUT" '"code":-32600'
printf '{"not":"an array"}' >"$T/notarray.json"
expect_exit 65 "$VITNET" rpc call "$URL" --batch "$T/notarray.json"

# --script: one connection, steps in order; the wait step reads until the server's tick.
cat >"$T/steps.ndjson" <<'S'
{"call": "greet", "params": ["script"]}
{"notify": "greet"}

{"call": "subscribe"}
{"wait": "tick"}
{"call": "divide_by_zero", "params": [1]}
{"call": "version"}
S
expect_exit 1 "$VITNET" rpc call "$URL" --script "$T/steps.ndjson"
expect_content "$OUT" '"hello script (call 2)"\n"subscribed"\n{"code":-32010,"data":{"dividend":1},"message":"division by zero"}\n{"name":"calculator","version":"1.0.0"}\n'
printf '[{"call":"greet"},{"call":"greet"}]' >"$T/steps.json"
expect_exit 0 "$VITNET" rpc call "$URL" --script "$T/steps.json"
expect_content "$OUT" '"hello world (call 4)"\n"hello world (call 5)"\n'
printf '{"call":"greet"}\n{"cal":"x"}\n' >"$T/bad1.ndjson"
expect_exit 65 "$VITNET" rpc call "$URL" --script "$T/bad1.ndjson"
expect_contains "$ERR" "bad1.ndjson:2: give one of"
printf '{"call":"greet"}\n{oops\n' >"$T/bad2.ndjson"
expect_exit 65 "$VITNET" rpc call "$URL" --script "$T/bad2.ndjson"
expect_contains "$ERR" "bad2.ndjson:2: not JSON"
printf '{"wait":"tick","params":[1]}\n' >"$T/bad3.ndjson"
expect_exit 65 "$VITNET" rpc call "$URL" --script "$T/bad3.ndjson"
expect_exit 64 "$VITNET" rpc call "$URL" greet --script "$T/steps.json"

# --follow: the reply, then the notifications as NDJSON.
expect_exit 0 "$VITNET" rpc call "$URL" subscribe --follow --count 2
expect_content "$OUT" '"subscribed"\n{"method":"tick","params":{"n":1,"subscription":1}}\n{"method":"tick","params":{"n":2,"subscription":1}}\n'
expect_exit 75 "$VITNET" rpc call --timeout 500ms "$URL" subscribe --follow --count 4
expect_contains "$ERR" "3 notifications of 4"
expect_exit 64 "$VITNET" rpc call "$URL" greet --count 2

# Several URLs: the first that connects answers.
DEAD=tcp://127.0.0.1:$(free_port)
expect_exit 0 "$VITNET" rpc call "$DEAD" "$URL" version
expect_contains "$OUT" '"calculator"'
expect_contains "$ERR" "trying ${URL#tcp://}"
for _ in 1 2 3 4; do
  expect_exit 0 "$VITNET" rpc call --balance random "$DEAD" "$URL" version
done
expect_exit 69 "$VITNET" rpc call "$DEAD" "$DEAD" version

# rpc list: rpc.discover as a table, or the document.
expect_exit 0 "$VITNET" rpc list "$URL"
expect_contains "$OUT" "calculator 1.0.0"
expect_contains "$OUT" "echo_pair(a, b)  returns its two params, swapped"
expect_exit 0 "$VITNET" --json rpc list "$URL"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["info"]["title"] == "calculator" and len(d["methods"]) == 8, d' "$OUT" ||
  { show "$OUT"; fail "rpc list --json is not the document"; }
