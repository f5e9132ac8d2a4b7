#!/usr/bin/env bash
# connect --insecure talks to a server whose certificate nobody trusts (an ephemeral self-signed one)
# and warns on stderr that verification is off.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo tls://127.0.0.1:0

expect_exit 0 "$VITNET" connect --insecure --send $'insecure but private\n' "$URL"
expect_content "$OUT" 'insecure but private\n'
expect_diagnostic "$ERR"
expect_contains "$ERR" "vitnet: warning: tls: certificate verification is off (--insecure)"
expect_serve_exit 0
