#!/usr/bin/env bash
# --qlog-dir on both sides: two connections give two *-client.sqlog files in the client's
# directory (one set by --qlog-dir, one by QLOGDIR) and two *-server.sqlog files in the server's;
# each is JSON-SEQ (RFC 7464: every record starts with 0x1e) and its first record is JSON.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

start_quic -k --echo --qlog-dir "$T/server-qlog"
expect_exit 0 "$VITNET" connect --pin "$PIN" --qlog-dir "$T/client-qlog" --send one "$URL"
expect_content "$OUT" 'one'
QLOGDIR=$T/client-qlog expect_exit 0 "$VITNET" connect --pin "$PIN" --send two "$URL"
expect_content "$OUT" 'two'

count() { local n; n=$(find "$1" -maxdepth 1 -name "$2" 2>/dev/null | wc -l); [[ $n == "$3" ]]; }
count "$T/client-qlog" '*-client.sqlog' 2 || { ls -l "$T/client-qlog" >&2 || true; fail "expected 2 client qlogs"; }
# The server writes its file until its side of the connection has ended.
wait_until 10 count "$T/server-qlog" '*-server.sqlog' 2 || { ls -l "$T/server-qlog" >&2 || true; fail "expected 2 server qlogs"; }
count "$T/server-qlog" '*.sqlog' 2 || fail "the server wrote other qlogs than one per connection"

/usr/bin/python3 - "$T"/client-qlog/*.sqlog "$T"/server-qlog/*.sqlog <<'PY' || fail "a qlog is not JSON-SEQ with a JSON first record"
import json, sys
for p in sys.argv[1:]:
    data = open(p, "rb").read()
    assert data.startswith(b"\x1e"), f"{p}: does not start with 0x1e"
    records = [r for r in data.split(b"\x1e") if r.strip()]
    assert len(records) > 1, f"{p}: only {len(records)} records"
    first = json.loads(records[0])
    assert isinstance(first, dict), f"{p}: first record is not an object"
PY
