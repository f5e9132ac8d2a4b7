#!/usr/bin/env bash
# SIGTERM stops serve with exit 130 and removes its unix socket file.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo -k "unix://$T/term.sock"
[[ -S $T/term.sock ]] || fail "no socket file at $T/term.sock"

kill -TERM "$SERVE_PID"
expect_serve_exit 130
[[ ! -e $T/term.sock ]] || fail "the socket file $T/term.sock is still there after SIGTERM"
