#!/usr/bin/env bash
# tls inspect HOST:PORT connects to openssl s_server and shows the negotiated version, cipher and
# ALPN, whether the chain verifies (against --ca) and the chain itself.
source "$(dirname "$0")/../lib/lib.sh"
need openssl
cd "$T"
"$VITNET" tls gen ca >/dev/null || fail "gen ca"
"$VITNET" tls gen ca --intermediate --ca ca.pem >/dev/null || fail "gen intermediate"
"$VITNET" tls gen cert --ca intermediate.pem localhost >/dev/null || fail "gen cert"
port=$(free_port)
bg openssl s_server -accept "127.0.0.1:$port" -cert localhost.pem -key localhost-key.pem \
  -cert_chain intermediate.pem -alpn h2 -www -quiet </dev/null >"$T/s_server.log" 2>&1
wait_until 10 tcp_listening "$port" || { show "$T/s_server.log"; fail "s_server did not start"; }
expect_exit 0 "$VITNET" --json tls inspect --ca ca.pem --alpn h2,http/1.1 "localhost:$port"
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "JSON is not as expected"; }
import json, sys
j = json.load(open(sys.argv[1]))
assert j["kind"] == "endpoint" and j["version"].startswith("TLSv1."), j
assert j["alpn"] == "h2", j["alpn"]
assert j["verified"] is True, j
subjects = [c["subject"] for c in j["certificates"]]
assert subjects == ["CN=localhost", "CN=vitnet intermediate CA"], subjects
PY
# Without the CA the chain is still shown, with the reason it does not verify.
expect_exit 0 "$VITNET" tls inspect "127.0.0.1:$port"
expect_contains "$OUT" "verified           NO: untrusted"
expect_contains "$OUT" "certificate 1 of 2"
