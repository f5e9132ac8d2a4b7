#!/usr/bin/env bash
# SIGINT (Ctrl-C) stops serve -k with exit 130.
source "$(dirname "$0")/../lib/lib.sh"

# Background jobs of a script start with SIGINT ignored; give vitnet the disposition a terminal would.
SERVE_PREFIX="env --default-signal=INT" start_serve --echo -k 127.0.0.1:0

kill -INT "$SERVE_PID"
expect_serve_exit 130
expect_contains "$SERVE_ERR" "vitnet: listening on $URL"
