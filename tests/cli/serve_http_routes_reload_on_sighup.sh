#!/usr/bin/env bash
# serve --routes re-reads its file on SIGHUP; a file that no longer loads keeps the old routes.
source "$(dirname "$0")/../lib/lib.sh"
need curl

printf '[[route]]\npath = "/v"\nbody = "one"\n' >"$T/r.toml"
start_serve "http://127.0.0.1:0" --routes "$T/r.toml"
[[ $(curl -s "$URL/v") == one ]] || fail "first routes"
printf '[[route]]\npath = "/v"\nbody = "two"\n' >"$T/r.toml"
kill -HUP "$SERVE_PID"
wait_until 5 grep -q "reloaded 1 route" "$SERVE_ERR" || fail "no reload: $(cat "$SERVE_ERR")"
[[ $(curl -s "$URL/v") == two ]] || fail "the new routes were not used"
printf '[[route]]\npath = "/v"\nbdy = "three"\n' >"$T/r.toml"
kill -HUP "$SERVE_PID"
wait_until 5 grep -q "keeping the previous routes" "$SERVE_ERR" || fail "no failure message: $(cat "$SERVE_ERR")"
grep -q "r.toml:3:" "$SERVE_ERR" || fail "the failure does not name the line: $(cat "$SERVE_ERR")"
[[ $(curl -s "$URL/v") == two ]] || fail "a bad file replaced good routes"
expect_running "$SERVE_PID" "vitnet serve"
