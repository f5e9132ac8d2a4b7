#!/usr/bin/env bash
# The query log: a line per query on stdout (client, transport, name, type, rcode, answers,
# elapsed), NDJSON with --json (events "query", beside serve's "listening", "open", "close"). Records from TOML, with faults of their own.
source "$(dirname "$0")/../lib/lib.sh"

cat >"$T/records.toml" <<'TOML'
origin = "svc.test."
ttl = 30
faults = ["flaky=refused"]

[[record]]
name = "api"
type = "A"
data = "127.0.0.40"

[[record]]
name = "_api._tcp"
type = "SRV"
data = "0 0 8443 api"
TOML
SERVE_COMMAND="--json serve" DNS_RECORDS=$T/records.toml start_dns_server
expect_exit 0 "$VITNET" resolve --short api.svc.test A -s "$DNS_SERVER"
expect_content "$OUT" '127.0.0.40\n'
expect_exit 0 "$VITNET" resolve --short _api._tcp.svc.test SRV -s "$DNS_SERVER" --tcp
expect_content "$OUT" '0 0 8443 api.svc.test.\n'
expect_exit 76 "$VITNET" resolve flaky.svc.test A -s "$DNS_SERVER"
wait_until 5 has_lines 3 "$SERVE_OUT" "\"name\"" || { show "$SERVE_OUT"; fail "3 log lines expected"; }
expect_ndjson "$SERVE_OUT"
python3 - "$SERVE_OUT" <<'PY' || { show "$SERVE_OUT"; fail "wrong log"; }
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
# The query log shares stdout with serve's own events (listening, open, close).
assert rows[0]["event"] == "listening"
rows = [r for r in rows if r["event"] == "query"]
assert [(r["name"], r["type"], r["transport"], r["rcode"], r["answers"]) for r in rows] == [
    ("api.svc.test.", "A", "udp", "NOERROR", 1),
    ("_api._tcp.svc.test.", "SRV", "tcp", "NOERROR", 1),
    ("flaky.svc.test.", "A", "udp", "REFUSED", 0)], rows
assert rows[2]["fault"] == "flaky=refused"
assert rows[0]["client"].startswith("127.0.0.1:") and "time" in rows[0] and "elapsed_ms" in rows[0]
PY
