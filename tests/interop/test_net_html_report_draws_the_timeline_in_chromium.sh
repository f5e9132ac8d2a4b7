#!/usr/bin/env bash
# --report FILE.html, looked at by a real browser: headless Chromium loads the report of a mock run
# (a partition, a client failing because of it, a server replying with markup) and of a loopback
# run (a latency fault, so a proxy sees the connection, and a program that is not vitnet). The page must load with no script error,
# no console error and no request but its own file; its DOM must hold one lane per host, a bar per
# process, the fault's shaded interval, the failing mark and the connections' arrows; the hostile
# reply must be text, not elements. Screenshots are kept under the build directory's artifacts/.
source "$(dirname "$0")/../lib/lib.sh"
need chromium python3
need_node_module ws

artifacts=$(dirname "$VITNET")/artifacts
mkdir -p "$artifacts"

printf '</pre></details></script><script>alert(1)</script><img src=x onerror="alert(2)"> it'"'"'s \xff\x1b[31m red\n' >"$T/hostile.txt"
cat >"$T/mock.toml" <<'TOML'
name = "a partition makes a client fail"
hosts = ["server", "client", "bystander", "idle"]
timeout = "20s"

[link]
latency = "20ms"

[[process]]
name = "echo"
host = "server"
run = "serve -k --echo tcp://:7000"
expect = { running = true }

[[process]]
name = "early"
host = "client"
start = "200ms"
run = "connect tcp://server:7000"
stdin = "hello\n"
expect = { exit = 0, stdout = "hello\n" }

[[process]]
name = "impatient"
host = "client"
start = "1500ms"
run = "connect --timeout 500ms tcp://server:7000"
stdin = "hello\n"
expect = { exit = 0, stdout = "hello\n" }

[[process]]
name = "markup"
host = "server"
run = "serve -k --reply @${hostile} tcp://:7001"

[[process]]
name = "reader"
host = "bystander"
start = "100ms"
run = "connect --recv-only tcp://server:7001"
expect = { exit = 0, stdout_contains = "<img" }

[[fault]]
kind = "partition"
between = ["client", "server"]
port = 7000
at = "1s"
for = "2s"
TOML

cat >"$T/loopback.toml" <<'TOML'
name = "latency on loopback"
hosts = ["server", "client"]
timeout = "10s"
wall_timeout = "15s"

[[process]]
name = "echo"
host = "server"
run = "serve -k --echo tcp://:${port.echo}"
expect = { running = true }

[[process]]
name = "client"
host = "client"
run = "connect --retry 5 --retry-delay 100ms tcp://server:${port.echo}"
stdin = "over loopback\n"
expect = { exit = 0, stdout = "over loopback\n" }

[[process]]
name = "program"
host = "client"
argv = ["python3", "-c", "print('a program, not vitnet')"]
expect = { exit = 0, stdout = "a program, not vitnet\n" }

[[fault]]
kind = "latency"
to = "server"
port = "${port.echo}"
latency = "200ms"
TOML

expect_exit 1 "$VITNET" test net --report "$T/mock.html" "$T/mock.toml" --var "hostile=$T/hostile.txt"
expect_contains "$OUT" "1 failed"
EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" test net --net loopback --report "$T/loopback.html" "$T/loopback.toml"

# check_page NAME EXPRESSION — loads $T/NAME.html in a fresh Chromium, keeps the screenshot, and
# leaves what page_check.js reported in $T/NAME.json.
check_page() {
  local profile=$T/profile-$1
  # Nothing from outside: no background services, and every host name resolves to nothing.
  bg chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --host-resolver-rules="MAP * ~NOTFOUND" --remote-debugging-port=0 about:blank \
    >"$T/chromium-$1.log" 2>&1
  local chromium_pid=$BG_PID
  wait_until 20 test -s "$profile/DevToolsActivePort" || { show "$T/chromium-$1.log"; fail "chromium did not start"; }
  local shot=$artifacts/test_net_html_report_$1.png
  node "$VITNET_SOURCE/tests/lib/node/page_check.js" "$profile/DevToolsActivePort" \
    "file://$T/$1.html" "$shot" "$2" >"$T/$1.json" 2>"$T/page_check-$1.err" ||
    { show "$T/page_check-$1.err"; show "$T/chromium-$1.log"; fail "page_check.js could not check $1.html"; }
  wait_exit "$chromium_pid" 10
  [[ -s $shot ]] || fail "no screenshot of $1.html"
  echo "screenshot: $shot"
}

# What the page holds, as JSON, for the assertions below.
read -r -d '' dom <<'JS' || true
(() => {
  const all = (sel, root = document) => [...root.querySelectorAll(sel)];
  const run = document.querySelector('section.run');
  const svg = run.querySelector('svg.timeline');
  const box = (el) => { const b = el.getBBox(); return [b.x, b.width]; };
  return {
    scripts: document.scripts.length,
    images: document.images.length,
    embeds: all('iframe, object, embed, link, base').length,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
    status: run.dataset.status,
    width: svg.getBoundingClientRect().width,
    lanes: all('g.lane', svg).map((g) => g.dataset.host),
    procs: all('g.proc', svg).map((g) => [g.dataset.name, g.dataset.host, g.getAttribute('class')]),
    bars: all('g.proc rect.bar', svg).map(box),
    marks: all('g.mark', svg).map((g) => [g.closest('g.proc').dataset.name, g.getAttribute('class')]),
    faults: all('g.fault', svg).map((g) => [g.dataset.kind, all('rect.shade', g).map((r) => [r.dataset.host, ...box(r)])]),
    conns: all('.arrow.conn', svg).map((a) => [a.dataset.from, a.dataset.to]),
    messages: all('.arrow.msg', svg).length,
    outputs: all('details.process').map((d) => [d.dataset.name, d.open, d.querySelector('pre.stdout')?.textContent ?? null]),
    replay: run.querySelector('code.replay').textContent,
  };
})()
JS

check_page mock "$dom"
check_page loopback "$dom"

python3 - "$T/mock.json" "$T/loopback.json" "$T" <<'PY' || { show "$T/mock.json"; show "$T/loopback.json"; fail "the report is not what Chromium should see"; }
import json, sys
mock, loop, tdir = (json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3])

for name, r in (("mock", mock), ("loopback", loop)):
    assert r["exceptions"] == [], (name, r["exceptions"])
    assert r["errors"] == [], (name, r["errors"])
    assert r["failed"] == [], (name, r["failed"])
    assert r["requests"] == [f"file://{tdir}/{name}.html"], (name, r["requests"])
    v = r["value"]
    assert v["scripts"] == 0 and v["images"] == 0 and v["embeds"] == 0, v
    assert "default-src 'none'" in v["csp"], v["csp"]
    assert v["width"] > 1000, v["width"]
    assert all(w > 0 for _, w in v["bars"]), v["bars"]

v = mock["value"]
assert v["status"] == "fail", v["status"]
assert v["lanes"] == ["server", "client", "bystander", "idle"], v["lanes"]
procs = {n: (h, c.split()) for n, h, c in v["procs"]}
assert set(procs) == {"echo", "early", "impatient", "markup", "reader"}, procs
assert procs["impatient"][0] == "client" and "fail" in procs["impatient"][1], procs
assert procs["early"][0] == "client" and "pass" in procs["early"][1], procs
assert "running" in procs["echo"][1] and "unjudged" in procs["markup"][1], procs
marks = dict(v["marks"])
assert "fail" in marks["impatient"].split() and "pass" in marks["early"].split(), marks
assert "markup" not in marks, marks  # nothing expected of it: no mark
# The partition shades the client's and the server's lanes from 1 s on (the plot starts at 140).
[(kind, shades)] = v["faults"]
assert kind == "partition", kind
assert sorted(s[0] for s in shades) == ["client", "server"], shades
for _, x, w in shades:
    assert w > 100 and x > 240, shades
assert ["client", "server"] in v["conns"] and ["bystander", "server"] in v["conns"], v["conns"]
assert v["messages"] >= 4, v["messages"]
outputs = {n: (o, text) for n, o, text in v["outputs"]}
assert outputs["impatient"][0] is True and outputs["early"][0] is False, outputs
assert '<img src=x onerror="alert(2)">' in outputs["reader"][1], outputs["reader"]
assert "\ufffd\u241b[31m" in outputs["reader"][1], outputs["reader"]
assert v["replay"].startswith("vitnet test net ") and "--net mock --seed 1" in v["replay"], v["replay"]

v = loop["value"]
assert v["status"] == "pass", v["status"]
assert v["lanes"] == ["server", "client"], v["lanes"]
assert sorted(n for n, _, _ in v["procs"]) == ["client", "echo", "program"], v["procs"]
marks = dict(v["marks"])
assert marks["client"].split() == ["mark", "pass"] and marks["program"].split() == ["mark", "pass"], marks
[(kind, shades)] = v["faults"]
assert kind == "latency" and [s[0] for s in shades] == ["server"], v["faults"]
# The proxy of the latency fault saw the client's connection.
assert ["client", "server"] in v["conns"], v["conns"]
PY
