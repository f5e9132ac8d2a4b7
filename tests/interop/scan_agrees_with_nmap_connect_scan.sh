#!/usr/bin/env bash
# vitnet scan and `nmap -sT` agree, port by port, on the same loopback target and ports.
source "$(dirname "$0")/../lib/lib.sh"
need nmap python3

open=()
for _ in 1 2 3; do
  start_serve -k --echo tcp://127.0.0.1:0
  open+=("$(url_port "$URL")")
done
closed=()
for _ in 1 2 3; do closed+=("$(free_port)"); done
ports="$(IFS=,; echo "${open[*]},${closed[*]}"),1-1024"

expect_exit 0 nmap -sT -p "$ports" -oX - 127.0.0.1 -n -Pn
python3 - "$OUT" >"$T/nmap.txt" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
states = {}
for host in root.iter("host"):
    for p in host.iter("port"):
        states[int(p.get("portid"))] = p.find("state").get("state")
for port, state in sorted(states.items()):
    print(port, state)
PY
expect_exit 0 "$VITNET" --json scan -p "$ports" 127.0.0.1
python3 - "$OUT" "$T/nmap.txt" <<'PY' || fail "vitnet and nmap disagree (see above)"
import json, sys
ours = {o["port"]: o["state"] for o in map(json.loads, open(sys.argv[1])) if "port" in o}
theirs = {int(p): s for p, s in (l.split() for l in open(sys.argv[2]))}
bad = 0
for port in sorted(ours):
    # nmap lists only the ports not in its dominant ("ignored") state; that state is closed here.
    want = theirs.get(port, "closed")
    if ours[port] != want:
        print(f"port {port}: vitnet {ours[port]}, nmap {want}", file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY
for p in "${open[@]}"; do grep -q "^$p open$" "$T/nmap.txt" || fail "nmap did not see $p open"; done
