#!/usr/bin/env bash
# rpc serve --methods: fixed and templated results, error objects, sequences, null, unknown
# methods (-32601), rpc.discover naming the service; on the wire (a raw client): batches (a
# notification in one gets no member, a batch of notifications no reply, an empty batch -32600),
# parse errors, invalid requests, a slow call answered after a later quick one, and a stream of
# notifications after a subscription's reply. The call log on stdout, as NDJSON with --json.
source "$(dirname "$0")/../lib/lib.sh"
need python3
VITNET_SOURCE=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
METHODS=$VITNET_SOURCE/examples/methods.toml

start_rpc_serve tcp://127.0.0.1:0 --methods "$METHODS"
expect_exit 0 "$VITNET" rpc call "$URL" greet name=ana
expect_content "$OUT" '"hello ana (call 1)"\n'
expect_exit 0 "$VITNET" rpc call "$URL" greet
expect_content "$OUT" '"hello world (call 2)"\n'
expect_exit 0 "$VITNET" rpc call "$URL" echo_pair 1 '{"x":2}'
expect_content "$OUT" '[{"x":2},1]\n'
expect_exit 0 "$VITNET" rpc call "$URL" version
expect_content "$OUT" '{"name":"calculator","version":"1.0.0"}\n'
expect_exit 0 "$VITNET" rpc call "$URL" nothing
expect_content "$OUT" 'null\n'
expect_exit 1 "$VITNET" rpc call "$URL" divide_by_zero 7
expect_content "$OUT" '{"code":-32010,"data":{"dividend":7},"message":"division by zero"}\n'
for want in 1 1 0 0; do
  expect_exit "$want" "$VITNET" rpc call "$URL" flaky
done
expect_content "$OUT" '"ok"\n'
expect_exit 1 "$VITNET" rpc call "$URL" no_such_method
expect_contains "$OUT" '"code":-32601'
expect_exit 1 "$VITNET" rpc call "$URL" rpc.nothing
expect_contains "$OUT" '"code":-32601'
expect_exit 0 "$VITNET" rpc call "$URL" rpc.discover
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "rpc.discover is not the OpenRPC document of the methods file"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["openrpc"].startswith("1.") and d["info"] == {"title": "calculator", "version": "1.0.0"}, d
names = [m["name"] for m in d["methods"]]
assert names[:3] == ["version", "echo_pair", "greet"] and "subscribe" in names, names
pair = d["methods"][1]
assert [p["name"] for p in pair["params"]] == ["a", "b"], pair
PY
expect_contains "$SERVE_OUT" " greet 1 result "

# On the wire: several texts on one connection, answered as each is ready.
PORT=$(url_port "$URL")
python3 "$VITNET_SOURCE/tests/lib/rpc_lines.py" 127.0.0.1 "$PORT" 10 >"$T/wire" <<'IN'
{"jsonrpc":"2.0","method":"slow","id":"s"}
{"jsonrpc":"2.0","method":"subscribe","id":9}
[{"jsonrpc":"2.0","method":"echo_pair","params":[1,2],"id":1},{"jsonrpc":"2.0","method":"greet"},{"jsonrpc":"2.0","method":"nope","id":2},{"foo":1}]
[{"jsonrpc":"2.0","method":"greet"},{"jsonrpc":"2.0","method":"greet"}]
[]
{"jsonrpc":"1.0","method":"greet","id":3}
{"jsonrpc":"2.0","method":"greet","params":"x","id":4}
{not json
IN
python3 - "$T/wire" <<'PY' || { show "$T/wire"; fail "the server's answers on the wire are wrong"; }
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(lines) == 10, lines
def find(pred):
    for i, l in enumerate(lines):
        if pred(l):
            return i, l
    raise AssertionError("missing in %r" % lines)
i_batch, batch = find(lambda l: isinstance(l, list))
assert [m.get("id") for m in batch] == [1, 2, None], batch
assert batch[0]["result"] == [2, 1] and batch[1]["error"]["code"] == -32601, batch
assert batch[2]["error"]["code"] == -32600, batch
_, empty = find(lambda l: isinstance(l, dict) and l.get("error", {}).get("data") == "an empty batch")
assert empty["id"] is None and empty["error"]["code"] == -32600
find(lambda l: isinstance(l, dict) and l.get("id") == 3 and l["error"]["code"] == -32600)
find(lambda l: isinstance(l, dict) and l.get("id") == 4 and l["error"]["code"] == -32600)
find(lambda l: isinstance(l, dict) and l.get("id") is None and l.get("error", {}).get("code") == -32700)
i_sub, sub = find(lambda l: isinstance(l, dict) and l.get("id") == 9)
assert sub["result"] == "subscribed", sub
ticks = [(i, l) for i, l in enumerate(lines) if isinstance(l, dict) and l.get("method") == "tick"]
assert [t["params"] for _, t in ticks] == [{"subscription": 9, "n": n} for n in (1, 2, 3)], ticks
assert all("id" not in t for _, t in ticks) and ticks[0][0] > i_sub, lines
i_slow, slow = find(lambda l: isinstance(l, dict) and l.get("id") == "s")
assert slow["result"] == "done" and i_slow > i_batch, "the slow call was not answered after the quick ones"
PY

# --json: the call log as NDJSON events.
start_rpc_serve tcp://127.0.0.1:0 --methods "$METHODS" --json
expect_exit 1 "$VITNET" rpc call "$URL" divide_by_zero 1
wait_until 5 grep -q '"method":"divide_by_zero"' "$SERVE_OUT" || { show "$SERVE_OUT"; fail "no call event"; }
python3 - "$SERVE_OUT" <<'PY' || { show "$SERVE_OUT"; fail "the call event is wrong"; }
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1]) if '"call"' in l]
c = calls[-1]
assert c["event"] == "call" and c["method"] == "divide_by_zero" and c["id"] == 1, c
assert c["outcome"] == "error -32010" and c["code"] == -32010 and c["duration_ms"] >= 0, c
PY
