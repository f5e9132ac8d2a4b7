#!/usr/bin/env bash
# A chat room on a Unix socket: what one client sends reaches every other. The server's
# connection events are NDJSON on its stdout.
set -euo pipefail
vitnet=${VITNET:-build/vitnet}
dir=$(mktemp -d)
trap 'kill $server $alice 2>/dev/null || true; rm -rf "$dir"' EXIT

"$vitnet" --json serve -k --broadcast "unix://$dir/chat.sock" --ready-file "$dir/url" > "$dir/events" &
server=$!
for _ in $(seq 50); do [[ -s $dir/url ]] && break; sleep 0.1; done

"$vitnet" connect --recv-only "unix://$dir/chat.sock" > "$dir/alice.txt" &
alice=$!
sleep 0.2
(echo "bob: hello, room"; sleep 0.2) | "$vitnet" connect "unix://$dir/chat.sock"
sleep 0.2
echo "alice saw: $(cat "$dir/alice.txt")"
echo "server events:"
cat "$dir/events"
