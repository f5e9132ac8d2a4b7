#!/usr/bin/env bash
# SIGTERM stops serve with exit 130 and removes its unix socket file.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo -k "unix://$T/term.sock"
[[ -S $T/term.sock ]] || fail "no socket file at $T/term.sock"

kill -TERM "$SERVE_PID"
expect_serve_exit 130
[[ ! -e $T/term.sock ]] || fail "the socket file $T/term.sock is still there after SIGTERM"

# Only the socket it made: a file that has taken its place since is left alone.
start_serve --echo -k "unix://$T/moved.sock"
mv "$T/moved.sock" "$T/elsewhere.sock"
echo "not yours" >"$T/moved.sock"
kill -TERM "$SERVE_PID"
expect_serve_exit 130
expect_content "$T/moved.sock" 'not yours\n'
