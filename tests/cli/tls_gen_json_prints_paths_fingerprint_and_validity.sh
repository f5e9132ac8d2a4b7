#!/usr/bin/env bash
# --json on tls gen prints one document with the paths, SHA-256 fingerprint, serial and validity.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" --json tls gen cert --ca ca.pem --out-dir out --days 30 localhost
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "JSON is not as expected"; }
import json, sys, re, datetime
j = json.load(open(sys.argv[1]))
assert j["certificate"] == "out/localhost.pem", j
assert j["key"] == "out/localhost-key.pem", j
assert j["chain"] is None and j["p12"] is None
assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", j["sha256"]), j["sha256"]
assert re.fullmatch(r"[0-9A-F]{16,32}", j["serial"]), j["serial"]
nb = datetime.datetime.strptime(j["not_before"], "%Y-%m-%dT%H:%M:%SZ")
na = datetime.datetime.strptime(j["not_after"], "%Y-%m-%dT%H:%M:%SZ")
assert (na - nb).days == 30, (nb, na)
assert j["names"] == ["DNS:localhost"], j["names"]
PY
fp=$(openssl x509 -in out/localhost.pem -noout -fingerprint -sha256 | cut -d= -f2)
expect_contains "$OUT" "$fp"
