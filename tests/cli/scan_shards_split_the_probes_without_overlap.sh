#!/usr/bin/env bash
# --shard I/N: the N shards of a scan together probe every target x port exactly once.
source "$(dirname "$0")/../lib/lib.sh"

for i in 1 2 3; do
  expect_exit 0 "$VITNET" --json scan --shard "$i/3" -p 40000-40099 127.0.0.1-2
  python3 -c 'import json,sys
for o in map(json.loads, open(sys.argv[1])):
    if "port" in o: print(o["ip"], o["port"])' "$OUT" >>"$T/all"
  [[ $(json_get "$OUT" summary shard) == "$i/3" ]] || fail "summary does not name shard $i/3"
done
[[ $(wc -l <"$T/all") == 200 ]] || fail "shards probed $(wc -l <"$T/all") target x port pairs, expected 200"
[[ $(sort -u "$T/all" | wc -l) == 200 ]] || fail "shards overlap"
