#!/usr/bin/env bash
# --json prints one array with an object per argument; addresses, blocks, ranges and HOST:PORT
# all carry the same keys, in the same order, null where a fact does not apply.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 0 "$VITNET" --json ip 10.0.0.1 172.16.0.0/12 10.0.0.1-10.0.0.6 '[2001:db8::1]:443' \
  ::ffff:192.168.0.1
python3 - "$OUT" <<'PY' || fail "the JSON document is not as expected"
import json, sys
doc = json.load(open(sys.argv[1]))
assert isinstance(doc, list) and len(doc) == 5, doc
keys = [list(o) for o in doc]
assert all(k == keys[0] for k in keys), keys
assert all(k == k.lower() and " " not in k for k in keys[0])
address, block, rng, endpoint, mapped = doc
assert address["type"] == "address" and address["category"] == "private"
assert address["reverse_dns"] == "1.0.0.10.in-addr.arpa"
assert block["broadcast"] == "172.31.255.255" and block["host_count"] == "1048574"
assert rng["type"] == "range" and rng["networks"] == ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"]
assert rng["address"] is None and rng["size"] == "6"
assert endpoint["address"] == "2001:db8::1" and endpoint["port"] == 443
assert endpoint["endpoint"] == "[2001:db8::1]:443" and endpoint["hostmask"] is None
assert mapped["ipv4_mapped"] == "192.168.0.1" and mapped["category"] == "private"
PY
