#!/usr/bin/env bash
# One child process per connection: the socket is the child's stdin and stdout, and the peer's
# address is in VITNET_PEER_ADDR and VITNET_PEER_PORT.
set -euo pipefail
vitnet=${VITNET:-build/vitnet}
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT

"$vitnet" serve -k --exec 'echo "hello $VITNET_PEER_ADDR"; tr a-z A-Z' tcp://127.0.0.1:0 --ready-file "$dir/url" &
server=$!
for _ in $(seq 50); do [[ -s $dir/url ]] && break; sleep 0.1; done

echo "shout this" | "$vitnet" connect "$(cat "$dir/url")"
echo "and this" | "$vitnet" connect "$(cat "$dir/url")"
