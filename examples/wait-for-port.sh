#!/usr/bin/env bash
# CI: start a service in the background, then wait for it with `connect -z --retry` instead of a
# sleep loop. Exit 0 once it answers; 69 (refused) or 75 (timeout) if it never does.
set -euo pipefail
vitnet=${VITNET:-build/vitnet}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# A service that takes a second to come up.
(sleep 1; exec "$vitnet" -q serve -k --echo "tcp://127.0.0.1:$port") &
service=$!
trap 'kill $service 2>/dev/null || true' EXIT

"$vitnet" connect -z --retry 6 --retry-delay 100ms "tcp://127.0.0.1:$port"
echo "service on port $port is up"
echo ping | "$vitnet" connect "tcp://127.0.0.1:$port"
