#!/usr/bin/env bash
# tls inspect --json on a chain file lists each certificate with its profile: the leaf's names
# and EKU, the intermediate's pathlen 0.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen ca --intermediate --ca ca.pem
expect_exit 0 "$VITNET" tls gen cert --ca intermediate.pem localhost
[[ -f localhost-chain.pem ]] || fail "no chain file for a leaf signed by an intermediate"
expect_exit 0 "$VITNET" --json tls inspect localhost-chain.pem
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "JSON is not as expected"; }
import json, sys
j = json.load(open(sys.argv[1]))
assert j["kind"] == "chain", j["kind"]
leaf, inter = j["certificates"]
assert leaf["names"] == ["DNS:localhost"] and leaf["ext_key_usage"] == ["serverAuth"]
assert not leaf["is_ca"] and leaf["authority_key_id"] == inter["subject_key_id"]
assert inter["is_ca"] and inter["path_len"] == 0
assert "basicConstraints" in inter["critical"] and "keyUsage" in inter["critical"]
PY
