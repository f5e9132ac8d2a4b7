#!/usr/bin/env bash
# MessagePack-RPC with Neovim 0.7, both ways. As a client of `nvim --headless --listen`: calls
# with results of several types, an error ([type, message]) as exit 1, a Buffer handle (ext type
# 0) passed back as it came, rpc list of Neovim's API; the same over `--exec 'nvim --embed'`.
# As a server: Neovim's own rpcrequest/rpcnotify against `rpc serve --protocol msgpack` (a
# result, an error whose message Neovim shows, params by position), and python3-msgpack sending
# two requests at once and getting the quick one's answer first (answers out of order).
source "$(dirname "$0")/../lib/lib.sh"
need nvim
need /usr/bin/python3
/usr/bin/python3 -c 'import msgpack' 2>/dev/null || skip "python3-msgpack is not installed"
VITNET_SOURCE=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
export HOME=$T XDG_CONFIG_HOME=$T/config XDG_DATA_HOME=$T/data XDG_STATE_HOME=$T/state

PORT=$(free_port)
bg sh -c "exec nvim --headless --clean --listen 127.0.0.1:$PORT >/dev/null 2>&1"
wait_until 10 tcp_listening "$PORT" || fail "nvim did not listen on $PORT"
N=tcp://127.0.0.1:$PORT
expect_exit 0 "$VITNET" rpc call --protocol msgpack "$N" nvim_eval '"6*7"'
expect_content "$OUT" '42\n'
expect_exit 0 "$VITNET" rpc call --protocol msgpack "$N" nvim_eval '"[1, \"two\", {\"three\": v:true}, 0.5]"'
expect_content "$OUT" '[1,"two",{"three":true},0.5]\n'
expect_exit 0 "$VITNET" rpc call --protocol msgpack "$N" nvim_set_var '"vitnet_set"' '"from vitnet"'
expect_exit 0 "$VITNET" rpc call --protocol msgpack "$N" nvim_get_var '"vitnet_set"'
expect_content "$OUT" '"from vitnet"\n'
expect_exit 1 "$VITNET" rpc call --protocol msgpack "$N" nvim_eval '"no_such_variable"'
expect_contains "$OUT" 'E121: Undefined variable: no_such_variable'
expect_contains "$ERR" 'E121'
# A Buffer handle is MessagePack ext type 0: printed as bytes and subtype, and sent back as such.
expect_exit 0 "$VITNET" rpc call --protocol msgpack "$N" nvim_get_current_buf
BUF=$(cat "$OUT")
[[ $BUF == *'"subtype":0'* ]] || { show "$OUT"; fail "a Buffer handle is not ext type 0"; }
expect_exit 0 "$VITNET" rpc call --protocol msgpack "$N" nvim_buf_set_lines "$BUF" 0 -1 false '["alpha","beta"]'
expect_exit 0 "$VITNET" rpc call --protocol msgpack "$N" nvim_buf_get_lines "$BUF" 0 -1 false
expect_content "$OUT" '["alpha","beta"]\n'
expect_exit 65 "$VITNET" rpc call --protocol msgpack "$N" nvim_eval expr='"1"'
expect_contains "$ERR" "by position"
expect_exit 0 "$VITNET" rpc list --protocol msgpack "$N"
expect_contains "$OUT" "Neovim 0.7"
expect_contains "$OUT" "nvim_eval(expr: String) -> Object"
expect_exit 0 "$VITNET" --json rpc list --protocol msgpack "$N"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["methods"]) > 100, len(d["methods"])' "$OUT" ||
  fail "rpc list --json does not hold Neovim's API"
expect_exit 0 "$VITNET" rpc call --protocol msgpack --exec 'nvim --clean --embed --headless' nvim_eval '"2+3"'
expect_content "$OUT" '5\n'

# Neovim as the client of rpc serve --protocol msgpack.
SERVE_COMMAND="rpc serve" start_serve tcp://127.0.0.1:0 --protocol msgpack \
  --methods "$VITNET_SOURCE/examples/methods.toml"
SPORT=$(url_port "$URL")
cat >"$T/client.vim" <<VIM
let ch = sockconnect('tcp', '127.0.0.1:$SPORT', {'rpc': v:true})
let out = [json_encode(rpcrequest(ch, 'greet', 'neovim'))]
try
  call rpcrequest(ch, 'divide_by_zero', 5)
catch
  call add(out, substitute(v:exception, "\n", " ", "g"))
endtry
try
  call rpcrequest(ch, 'no_such_method')
catch
  call add(out, substitute(v:exception, "\n", " ", "g"))
endtry
call rpcnotify(ch, 'greet')
call add(out, json_encode(rpcrequest(ch, 'echo_pair', 1, [2])))
call writefile(out, '$T/vim.out')
qall!
VIM
timeout 20 nvim --headless --clean -S "$T/client.vim" </dev/null >/dev/null 2>&1 || true
[[ -s $T/vim.out ]] || fail "neovim wrote no results"
expect_content "$T/vim.out" "\"hello neovim (call 1)\"
Vim(call):Error invoking 'divide_by_zero' on channel 3: division by zero
Vim(call):Error invoking 'no_such_method' on channel 3: Method not found: no_such_method
[[2], 1]
"
wait_until 5 grep -q " greet - notification " "$SERVE_OUT" || { show "$SERVE_OUT"; fail "the notification was not served"; }

# python3-msgpack: a slow call and a quick one written together; the quick answer comes first.
/usr/bin/python3 - "$SPORT" <<'PY' || fail "answers did not come out of order"
import msgpack, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(msgpack.packb([0, 10, "slow", []]) + msgpack.packb([0, 11, "greet", ["py"]]))
u = msgpack.Unpacker(raw=False)
got = []
while len(got) < 2:
    u.feed(s.recv(4096))
    got.extend(u)
assert got[0] == [1, 11, None, "hello py (call 3)"], got
assert got[1] == [1, 10, None, "done"], got
PY
