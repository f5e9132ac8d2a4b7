#!/usr/bin/env bash
# serve --routes: /__vitnet/requests (readable from any page with --cors) keeps no credentials:
# Authorization, Proxy-Authorization and Cookie are recorded as "[redacted]".
source "$(dirname "$0")/../lib/lib.sh"
need curl
cat >"$T/routes.toml" <<'TOML'
[[route]]
path = "/x"
body = "ok"
TOML
start_serve "http://127.0.0.1:0" --routes "$T/routes.toml" --cors -q
curl -sf --max-time 5 -H 'Authorization: Bearer s3cr3t-token' -H 'Cookie: session=c00kie' "$URL/x" >/dev/null
curl -sf --max-time 5 "$URL/__vitnet/requests" -o "$T/log" || fail "the request log failed"
expect_not_contains "$T/log" "s3cr3t-token"
expect_not_contains "$T/log" "c00kie"
expect_contains "$T/log" "[redacted]"
