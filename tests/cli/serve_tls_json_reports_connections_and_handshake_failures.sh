#!/usr/bin/env bash
# serve --json over tls://: NDJSON on stdout, a listening event with the tls:// URL, open and close
# events counting the bytes of a served client, and for a client whose handshake fails a close event
# whose reason names the TLS failure (no plain-text warning on stderr then).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
start_serve -k --echo --json --cert "$PKI/server.pem" --key "$PKI/server.key" tls://127.0.0.1:0
[[ $URL == tls://127.0.0.1:* ]] || fail "ready file holds '$URL', not a tls:// URL"

expect_exit 0 "$VITNET" connect --ca "$PKI/ca.pem" --send $'json\n' "$URL"
expect_content "$OUT" 'json\n'
# trusting no one, this client aborts the handshake
expect_exit 76 "$VITNET" connect --send $'json\n' "$URL"

wait_until 5 has_lines 2 "$SERVE_OUT" '"event":"close"' || { show "$SERVE_OUT"; fail "not two close events"; }
expect_ndjson "$SERVE_OUT"
[[ $(json_get "$SERVE_OUT" listening url) == "$URL" ]] || { show "$SERVE_OUT"; fail "no listening event for $URL"; }
python3 - "$SERVE_OUT" <<'PY' || { show "$SERVE_OUT"; fail "wrong close events"; }
import json, sys
closes = [o for o in map(json.loads, filter(str.strip, open(sys.argv[1]))) if o["event"] == "close"]
ok, bad = closes
assert (ok["id"], ok["bytes_in"], ok["bytes_out"], ok["reason"]) == (1, 5, 5, "eof"), ok
assert bad["id"] == 2 and bad["bytes_in"] == 0 and bad["bytes_out"] == 0, bad
assert bad["reason"].startswith("error: tls: 127.0.0.1:"), bad
assert "unknown ca" in bad["reason"], bad
PY
grep -q '"event":"open","id":2' "$SERVE_OUT" || { show "$SERVE_OUT"; fail "no open event for the failed client"; }
expect_not_contains "$SERVE_ERR" "warning"
