#!/usr/bin/env bash
# A scenario runs a program that is not vitnet (python3's http.server) on loopback: its port is a
# ${port.NAME} chosen at run time, its working directory and environment are the scenario's, and
# the clients start only once it answers HTTP (ready). A latency fault in front of its port reaches
# vitnet clients (redirected) and other programs alike (curl dials ${dial.app:web}).
source "$(dirname "$0")/../lib/lib.sh"
need python3 curl

mkdir -p "$T/site"
echo "served from the site folder" >"$T/site/page.txt"
cat >"$T/program.toml" <<'TOML'
name = "a program behind latency"
hosts = ["app", "client"]
timeout = "20s"
wall_timeout = "20s"

[[process]]
name = "web"
host = "app"
# It prints where its environment says, so the env table is seen to arrive.
exec = "sh -c 'echo \"greeting=$GREETING\"; exec python3 -u -m http.server --bind ${addr.app} ${port.web}'"
cwd = "site"
env = { GREETING = "hello from env" }
ready = { url = "http://app:${port.web}/page.txt", status = 200 }
expect = { running = true, stdout_contains = "greeting=hello from env" }

[[process]]
name = "vitnet-client"
host = "client"
run = "connect --fail http://app:${port.web}/page.txt"
[process.expect]
exit = 0
stdout = "served from the site folder\n"
within = "5s"

[[process]]
name = "curl-client"
host = "client"
exec = "curl -sS -o /dev/null -w '%{http_code} %{time_total}' http://${dial.app:web}/page.txt"
# 300 ms of latency each way of the connection: well over half a second in all.
expect = { exit = 0, stdout_matches = '^200 ([1-9]|0\.[6-9])' }

[[fault]]
kind = "latency"
to = "app"
port = "${port.web}"
latency = "300ms"
TOML
EXPECT_TIMEOUT=40 expect_exit 0 "$VITNET" test net --net loopback "$T/program.toml"
expect_contains "$OUT" "PASS"
expect_contains "$OUT" "1 passed, 0 failed"

# Without the fault's delay the curl expectation fails: the fault is what it measured.
sed '/^\[\[fault\]\]/,$d' "$T/program.toml" >"$T/nofault.toml"
EXPECT_TIMEOUT=40 expect_exit 1 "$VITNET" test net --net loopback "$T/nofault.toml"
expect_contains "$OUT" "curl-client ($T/nofault.toml:25): stdout \"200 0.0"
