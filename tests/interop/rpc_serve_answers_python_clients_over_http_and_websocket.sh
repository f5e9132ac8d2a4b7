#!/usr/bin/env bash
# rpc serve --methods examples/methods.toml with python clients it did not write. Over http://,
# jsonrpclib-pelix's ServerProxy: a call, params by name, an error object raised with its code, a
# notification (_notify) that reaches the server, a batch (MultiCall) whose notification gets no
# member, and --bearer sent as a header; curl: 204 for a notification, 405 for GET, 401 without the
# bearer, 413 past --max-message. Over ws://, python3-websockets: several messages on one
# connection answered by id (a slow call last), a batch as one message, a subscription's three
# ticks 200 ms apart after its reply, --bearer refusing a wrong token with 401 before the upgrade,
# and a message past --max-message closed with 1009.
source "$(dirname "$0")/../lib/lib.sh"
PY=/usr/bin/python3  # Debian's python, which has the python3-jsonrpclib-pelix and python3-websockets packages
[[ -x $PY ]] || skip "$PY is not installed"
$PY -c 'import jsonrpclib' 2>/dev/null || skip "python3-jsonrpclib-pelix is not installed"
$PY -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"
need curl
METHODS=$VITNET_SOURCE/examples/methods.toml

# --- http:// with jsonrpclib ---
start_rpc_serve http://127.0.0.1:0 --methods "$METHODS" --max-message 1K
HTTP_URL=$URL
HTTP_LOG=$SERVE_OUT
$PY - "$HTTP_URL/" <<'PY' || fail "jsonrpclib's ServerProxy against rpc serve http://"
import sys
import jsonrpclib
from jsonrpclib.jsonrpc import ProtocolError, TransportError

url = sys.argv[1]
server = jsonrpclib.ServerProxy(url)
assert server.greet() == "hello world (call 1)"
assert server.greet(name="ana") == "hello ana (call 2)"
assert server.echo_pair(1, {"x": [True, None]}) == [{"x": [True, None]}, 1]
assert server.echo_pair(b="é ✓", a=2) == ["é ✓", 2]

# An error object: jsonrpclib raises it with (code, message).
try:
    server.divide_by_zero(7)
    raise SystemExit("divide_by_zero did not raise")
except ProtocolError as e:
    assert e.args[0] == (-32010, "division by zero"), e.args
try:
    server.no_such_method()
    raise SystemExit("an unknown method did not raise")
except ProtocolError as e:
    assert e.args[0][0] == -32601, e.args

# A notification. rpc serve answers it 204 No Content; jsonrpclib 0.4 accepts only 200 and raises
# TransportError(204) — and leaves that connection unread, so it gets a proxy of its own.
notifier = jsonrpclib.ServerProxy(url)
try:
    notifier._notify.greet(name="note")
except TransportError as e:
    assert e.errcode == 204, e.errcode
# It counted as greet's third call: the next is the fourth.
assert server.greet() == "hello world (call 4)"

# A batch: two calls, a notification (no member in the answer) and an error, answered in order.
batch = jsonrpclib.MultiCall(server)
batch.greet(name="b")
batch._notify.greet()
batch.echo_pair("p", "q")
batch.divide_by_zero(3)
answers = batch()
assert len(answers) == 3, answers.results
assert answers[0] == "hello b (call 5)" and answers[1] == ["q", "p"], answers.results
try:
    answers[2]
    raise SystemExit("the batch's error member did not raise")
except ProtocolError as e:
    assert e.args[0] == (-32010, "division by zero"), e.args
assert server.greet() == "hello world (call 7)"
PY
expect_contains "$HTTP_LOG" " greet - notification "
expect_contains "$HTTP_LOG" '"POST / HTTP/1.1" 204 '

# --- http:// with curl: status codes ---
post() { curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' "$@"; }
code=$(post --data-binary '{"jsonrpc":"2.0","method":"greet"}' "$HTTP_URL/")
[[ $code == 204 ]] || { show "$T/body"; fail "a notification should get 204, got $code"; }
expect_empty "$T/body"
code=$(post --data-binary '[{"jsonrpc":"2.0","method":"greet"},{"jsonrpc":"2.0","method":"greet"}]' "$HTTP_URL/")
[[ $code == 204 ]] || { show "$T/body"; fail "a batch of notifications should get 204, got $code"; }
code=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' "$HTTP_URL/")
[[ $code == 405 ]] || { show "$T/body"; fail "a GET should get 405, got $code"; }
grep -qi '^Allow: .*POST' "$T/headers" || { show "$T/headers"; fail "the 405 does not name POST in Allow"; }
printf '{"jsonrpc":"2.0","method":"greet","params":{"name":"%s"},"id":1}' "$(printf 'x%.0s' {1..1200})" >"$T/big.json"
code=$(post --data-binary @"$T/big.json" "$HTTP_URL/")
[[ $code == 413 ]] || { show "$T/body"; fail "a body past --max-message 1K should get 413, got $code"; }
code=$(post --data-binary '{"jsonrpc":"2.0","method":"greet","params":["small"],"id":1}' "$HTTP_URL/")
[[ $code == 200 ]] || { show "$T/body"; fail "a small call after the 413 should get 200, got $code"; }
expect_contains "$T/body" '"result":"hello small (call '

# --- http:// with --bearer ---
start_rpc_serve http://127.0.0.1:0 --methods "$METHODS" --bearer s3cret
code=$(post --data-binary '{"jsonrpc":"2.0","method":"greet","id":1}' "$URL/")
[[ $code == 401 ]] || { show "$T/body"; fail "a call without the bearer should get 401, got $code"; }
code=$(post -H 'Authorization: Bearer wrong' --data-binary '{"jsonrpc":"2.0","method":"greet","id":1}' "$URL/")
[[ $code == 401 ]] || { show "$T/body"; fail "a call with a wrong bearer should get 401, got $code"; }
$PY - "$URL/" <<'PY' || fail "jsonrpclib with and without the bearer"
import sys
import jsonrpclib
from jsonrpclib.jsonrpc import TransportError
url = sys.argv[1]
assert jsonrpclib.ServerProxy(url, headers={"Authorization": "Bearer s3cret"}).greet(name="t") == "hello t (call 1)"
try:
    jsonrpclib.ServerProxy(url).greet()
    raise SystemExit("a call without the bearer was answered")
except TransportError as e:
    assert e.errcode == 401, e.errcode
PY
expect_not_contains "$SERVE_OUT" "(call 2)"

# --- ws:// with python3-websockets ---
start_rpc_serve ws://127.0.0.1:0 --methods "$METHODS" --bearer s3cret --max-message 1K
$PY - "$URL/" <<'PY' || fail "python websockets against rpc serve ws://"
import asyncio, json, sys, time
import websockets

url = sys.argv[1]
good = {"Authorization": "Bearer s3cret"}

def call(method, id, params=None):
    m = {"jsonrpc": "2.0", "method": method, "id": id}
    if params is not None:
        m["params"] = params
    return json.dumps(m)

async def refused(headers):
    try:
        ws = await websockets.connect(url, extra_headers=headers)
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code
    await ws.close()
    raise SystemExit(f"the upgrade with {headers} was accepted")

async def main():
    assert await refused({"Authorization": "Bearer wrong"}) == 401
    assert await refused({}) == 401

    async with websockets.connect(url, extra_headers=good) as ws:
        # Four texts at once: the slow call is answered after the others, each by its id.
        await ws.send(call("slow", "s"))
        await ws.send(call("greet", 1, {"name": "ws"}))
        await ws.send(json.dumps([json.loads(call("echo_pair", 2, [1, 2])),
                                  {"jsonrpc": "2.0", "method": "greet"}]))
        await ws.send(call("divide_by_zero", 3, [5]))
        got = []
        for _ in range(4):
            got.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
        singles = {m["id"]: m for m in got if isinstance(m, dict)}
        batches = [m for m in got if isinstance(m, list)]
        assert singles[1]["result"] == "hello ws (call 1)", got
        assert singles[3]["error"]["code"] == -32010 and singles[3]["error"]["data"] == {"dividend": 5}, got
        assert singles["s"]["result"] == "done" and got[-1] is singles["s"], got
        assert batches == [[{"jsonrpc": "2.0", "id": 2, "result": [2, 1]}]], batches

        # A subscription: the reply, then three ticks about 200 ms apart, naming its id.
        await ws.send(call("subscribe", 9))
        reply = json.loads(await asyncio.wait_for(ws.recv(), 5))
        t0 = time.monotonic()
        assert reply == {"jsonrpc": "2.0", "id": 9, "result": "subscribed"}, reply
        ticks = []
        for _ in range(3):
            ticks.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
        span = time.monotonic() - t0
        assert [t.get("method") for t in ticks] == ["tick"] * 3, ticks
        assert [t["params"] for t in ticks] == [{"subscription": 9, "n": n} for n in (1, 2, 3)], ticks
        assert all("id" not in t for t in ticks), ticks
        assert span >= 0.5, f"three ticks 200 ms apart came within {span:.3f}s"

        # The connection still answers after the stream.
        await ws.send(call("greet", 10))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["result"] == "hello world (call 3)"

    # A message past --max-message 1K ends the connection with 1009.
    async with websockets.connect(url, extra_headers=good) as ws:
        await ws.send(call("greet", 11, {"name": "x" * 2000}))
        try:
            await asyncio.wait_for(ws.recv(), 5)
            raise SystemExit("a message past --max-message was answered")
        except websockets.exceptions.ConnectionClosed:
            pass
        assert ws.close_code == 1009, ws.close_code

asyncio.run(main())
PY
expect_contains "$SERVE_OUT" '"GET / HTTP/1.1" 401 '
expect_running "$SERVE_PID" "rpc serve ws://"
