#!/usr/bin/env bash
# A real browser: headless Chromium loads a page from serve http:// --routes, which opens a
# WebSocket to serve ws:// --echo, exchanges a text and a binary message, closes with 1000 and
# reports what it got to /result; the test reads the report from /__vitnet/requests.
source "$(dirname "$0")/../lib/lib.sh"
command -v chromium >/dev/null || skip "chromium is not installed"

# The page comes from another port, so another origin: admitted by name.
port=$(free_port)
start_serve -k --echo --protocol vitnet.test --origin "http://127.0.0.1:$port" "ws://127.0.0.1:0"
ws_port=$(url_port "$URL")
start_serve "http://127.0.0.1:$port" --routes "$VITNET_SOURCE/tests/http/browser/routes.toml"
page=$URL
bg chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$T/profile" \
  --remote-debugging-port=0 "$page/?ws=$ws_port"
reported() { curl -sf "$page/__vitnet/requests" | grep -qE '"query": "(got|error)='; }
wait_until 30 reported || fail "chromium reported nothing within 30s"
curl -sf "$page/__vitnet/requests" >"$T/log.json"
python3 - "$T/log.json" <<'PY' || fail "chromium's report: $(cat "$T/log.json")"
import json, sys, urllib.parse
d = json.load(open(sys.argv[1]))
r = [x for x in d["requests"] if x["path"] == "/result"][0]
q = urllib.parse.parse_qs(r["query"])
assert q.get("got") == ["hello from chromium|binary:3"], q
assert q.get("code") == ["1000"], q
assert q.get("protocol") == ["vitnet.test"], q
PY
