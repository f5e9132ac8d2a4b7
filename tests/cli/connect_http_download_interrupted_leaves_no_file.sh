#!/usr/bin/env bash
# SIGINT during a --download exits 130 and leaves nothing behind: not the file, and no temporary
# beside it (the download is written to an unnamed file in the target's directory).
source "$(dirname "$0")/../lib/lib.sh"
start_http_server
mkdir "$T/dir"

bg "$VITNET" connect --download "$T/dir/got" "http://127.0.0.1:$HTTP_PORT/slow?delay=20" 2>"$T/err"
pid=$BG_PID
# The download has its file open once a descriptor of the process points into the directory.
file_open() { ls -l "/proc/$pid/fd" 2>/dev/null | grep -qF -- "$T/dir/"; }
wait_until 10 file_open || fail "the download opened no file in $T/dir"
kill -INT "$pid"
wait_exit "$pid" 5
[[ $WAIT_RC == 130 ]] || { show "$T/err"; fail "exit $WAIT_RC, expected 130"; }
left=$(ls -A "$T/dir")
[[ -z $left ]] || fail "left behind in the directory: $left"
