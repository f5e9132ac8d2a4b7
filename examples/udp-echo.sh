#!/usr/bin/env bash
# A UDP echo server; the client sends one datagram per line and prints the answers.
set -euo pipefail
vitnet=${VITNET:-build/vitnet}
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT

"$vitnet" -v serve --echo udp://127.0.0.1:0 --ready-file "$dir/url" &
server=$!
for _ in $(seq 50); do [[ -s $dir/url ]] && break; sleep 0.1; done

printf 'first datagram\nsecond datagram\n' | "$vitnet" connect --idle-timeout 300ms "$(cat "$dir/url")"
