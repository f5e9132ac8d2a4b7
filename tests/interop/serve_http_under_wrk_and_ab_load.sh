#!/usr/bin/env bash
# Load from real HTTP benchmarking clients: wrk for 10 s at 64 connections, and ab with
# keep-alive, against serve http:// --dir: every request answered 200, no socket errors.
source "$(dirname "$0")/../lib/lib.sh"
need wrk
need ab

mkdir -p "$T/www"
head -c 2048 /dev/urandom | base64 >"$T/www/page.txt"
start_serve "http://127.0.0.1:0" --dir "$T/www" -q
wrk -t2 -c64 -d10s "$URL/page.txt" >"$T/wrk" 2>&1 || fail "wrk failed: $(cat "$T/wrk")"
grep -q "Requests/sec" "$T/wrk" || fail "wrk printed no rate: $(cat "$T/wrk")"
grep -qE "Socket errors|Non-2xx" "$T/wrk" && fail "errors under wrk: $(cat "$T/wrk")"
ab -k -n 20000 -c 32 "$URL/page.txt" >"$T/ab" 2>&1 || fail "ab failed: $(cat "$T/ab")"
grep -q "^Failed requests: *0$" "$T/ab" || fail "ab saw failures: $(grep -E 'Failed|Non-2xx' "$T/ab")"
grep -q "^Keep-Alive requests: *20000$" "$T/ab" || fail "ab did not keep connections alive: $(grep Keep-Alive "$T/ab")"
grep -q "^Non-2xx responses" "$T/ab" && fail "ab saw non-2xx responses"
expect_running "$SERVE_PID" "vitnet serve"
