#!/usr/bin/env bash
# A mock HTTP endpoint in one line: every client gets the same canned response.
set -euo pipefail
vitnet=${VITNET:-build/vitnet}
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT

printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\nConnection: close\r\n\r\n{"status":"ok"}\n' > "$dir/response"
"$vitnet" serve -k --reply "@$dir/response" tcp://127.0.0.1:0 --ready-file "$dir/url" &
server=$!
for _ in $(seq 50); do [[ -s $dir/url ]] && break; sleep 0.1; done

printf 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n' | "$vitnet" connect "$(cat "$dir/url")"
