#!/usr/bin/env bash
# On ::1 there is no other loopback address to leave from, so some probes across the ephemeral
# port range connect to themselves; those are recognised (same address and port on both ends)
# and reported closed. Every port reported open over the whole range really has a listener (one
# seen before or after the scan, since tests running alongside may open and close their own).
source "$(dirname "$0")/../lib/lib.sh"
[[ -e /proc/net/tcp6 ]] || skip "no IPv6"

start_serve -k --echo "tcp://[::1]:0"
port=$(url_port "$URL")
listeners() {
  python3 -c '
import sys
ports = set()
for line in open("/proc/net/tcp6").read().splitlines()[1:]:
    f = line.split()
    addr, p = f[1].split(":")
    if f[3] == "0A" and addr in ("00000000000000000000000001000000", "0" * 32) and int(p, 16) >= 32768:
        ports.add(int(p, 16))
print("\n".join(map(str, sorted(ports))))'
}
for run in 1 2; do
  listeners >"$T/before"
  expect_exit 0 "$VITNET" --json scan --open -p 32768-65535 ::1
  listeners >"$T/after"
  python3 -c 'import json,sys; [print(j["port"]) for j in map(json.loads, open(sys.argv[1])) if j.get("state")=="open"]' "$OUT" >"$T/open"
  grep -qx "$port" "$T/open" || fail "run $run: the server's port $port is missing"
  while read -r p; do
    grep -qx "$p" "$T/before" "$T/after" || fail "run $run: port $p reported open with nobody listening"
  done <"$T/open"
done
