#!/usr/bin/env bash
# tcp://[::1]:0 listens on the IPv6 loopback, reports tcp://[::1]:PORT, and echoes.
source "$(dirname "$0")/../lib/lib.sh"

python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null || skip "no IPv6 loopback here"
start_serve --echo 'tcp://[::1]:0'
[[ $URL =~ ^tcp://\[::1\]:[1-9][0-9]*$ ]] || fail "ready URL is '$URL'"

expect_exit 0 "$VITNET" connect --send 'over ipv6' "$URL"
expect_content "$OUT" 'over ipv6'
expect_serve_exit 0
