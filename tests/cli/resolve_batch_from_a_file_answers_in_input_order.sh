#!/usr/bin/env bash
# -f FILE: one "NAME [TYPE...]" per line (comments and blank lines skipped), asked in parallel,
# printed in the order of the file; - reads stdin.
source "$(dirname "$0")/../lib/lib.sh"

start_dns_server
cat >"$T/names" <<'NAMES'
# names to check
mail.example.test A
www.example.test   A AAAA

example.test MX
x.wild.example.test A
NAMES
expect_exit 0 "$VITNET" resolve --short -f "$T/names" -s "$DNS_SERVER"
expect_content "$OUT" '127.0.0.25\n127.0.0.10\n::1\n10 mail.example.test.\n127.0.0.99\n'
(_close_held_fds; exec "$VITNET" resolve --short -f - -s "$DNS_SERVER" <"$T/names") >"$T/stdin.out"
cmp -s "$OUT" "$T/stdin.out" || fail "-f - differs from -f FILE"

# 200 names at once, each answered, in order.
for i in $(seq 1 200); do echo "n$i.wild.example.test A"; done >"$T/many"
expect_exit 0 "$VITNET" --json resolve -f "$T/many" -s "$DNS_SERVER"
python3 - "$OUT" <<'PY' || fail "batch out of order or incomplete"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["query"] for r in rows] == ["n%d.wild.example.test." % i for i in range(1, 201)]
assert all(r["status"] == "answered" for r in rows)
PY
