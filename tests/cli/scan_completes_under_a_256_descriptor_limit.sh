#!/usr/bin/env bash
# Under `ulimit -n 256` a scan of 5000 ports completes with the right answer: concurrency is sized
# from the limit, never a crash on EMFILE.
source "$(dirname "$0")/../lib/lib.sh"

open=()
for _ in 1 2 3; do
  start_serve -k --echo tcp://127.0.0.1:0
  open+=("$(url_port "$URL")")
done
ports="20000-24999,$(IFS=,; echo "${open[*]}")"
want=$(printf '%s\n' "${open[@]}" | sort -n | tr '\n' ' ')
expect_exit 0 bash -c 'ulimit -n 256 && exec "$@"' _ "$VITNET" --json scan --open -p "$ports" 127.0.0.1
got=$(python3 -c 'import json,sys
ports = sorted(o["port"] for o in map(json.loads, open(sys.argv[1])) if o.get("state") == "open")
print(" ".join(map(str, ports)) + " ")' "$OUT")
# Ports 20000-24999 may hold other listeners on this machine: only ours must be there.
for p in "${open[@]}"; do [[ " $got" == *" $p "* ]] || fail "open port $p missing: $got"; done
[[ $(json_get "$OUT" summary filtered) == 0 ]] || fail "ports reported filtered under the limit"
conc=$(json_get "$OUT" summary concurrency)
((conc <= 192)) || fail "concurrency $conc exceeds the descriptor limit less its margin"
