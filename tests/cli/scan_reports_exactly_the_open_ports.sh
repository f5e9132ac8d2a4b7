#!/usr/bin/env bash
# scan reports exactly the ports servers listen on as open and the others as closed, run after run.
source "$(dirname "$0")/../lib/lib.sh"

open=()
for _ in 1 2 3 4; do
  start_serve -k --echo tcp://127.0.0.1:0
  open+=("$(url_port "$URL")")
done
closed=()
for _ in 1 2 3; do closed+=("$(free_port)"); done
ports=$(IFS=,; echo "${open[*]},${closed[*]}")
want_open=$(printf '%s\n' "${open[@]}" | sort -n | tr '\n' ' ')
want_closed=$(printf '%s\n' "${closed[@]}" | sort -n | tr '\n' ' ')

for run in 1 2 3 4 5; do
  expect_exit 0 "$VITNET" --json scan -p "$ports" 127.0.0.1
  expect_ndjson "$OUT"
  got_open=$(python3 -c 'import json,sys
print(" ".join(str(o["port"]) for o in map(json.loads, open(sys.argv[1])) if o.get("state") == "open") + " ")' "$OUT")
  got_closed=$(python3 -c 'import json,sys
print(" ".join(str(o["port"]) for o in map(json.loads, open(sys.argv[1])) if o.get("state") == "closed") + " ")' "$OUT")
  [[ $got_open == "$want_open" ]] || fail "run $run: open ports '$got_open', expected '$want_open'"
  [[ $got_closed == "$want_closed" ]] || fail "run $run: closed ports '$got_closed', expected '$want_closed'"
done
[[ $(json_get "$OUT" summary open) == 4 ]] || fail "summary does not count 4 open ports"
[[ $(json_get "$OUT" summary closed) == 3 ]] || fail "summary does not count 3 closed ports"
grep -q '"ip":"127.0.0.1","port":'"${open[0]}"',"proto":"tcp","state":"open","rtt_ms":' "$OUT" ||
  fail "a port result lacks host, ip, port, proto, state, rtt_ms in order"
