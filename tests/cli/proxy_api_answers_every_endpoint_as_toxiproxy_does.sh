#!/usr/bin/env bash
# Every endpoint of toxiproxy's API, called with curl as a script would, with toxiproxy's status
# codes and JSON shapes — including its errors ({"error": "...", "status": N}) and its refusal of
# browsers (a web page must not drive the API through a visitor's browser).
source "$(dirname "$0")/../lib/lib.sh"
need curl python3

start_serve -k --echo tcp://127.0.0.1:0
echo_addr=${URL#tcp://}
SERVE_COMMAND=proxy start_serve --api 127.0.0.1:0
api=$URL

# call METHOD PATH [BODY] — sets CODE and BODY_FILE ($T/body).
call() {
  local args=(-s -o "$T/body" -w '%{http_code}' -X "$1" "$api$2")
  [[ -z ${3:-} ]] || args+=(-H 'Content-Type: application/json' -d "$3")
  CODE=$(curl "${args[@]}")
}
# expect CODE PYTHON-EXPRESSION-ON-j — the status, and a check of the JSON body.
expect() {
  [[ $CODE == "$1" ]] || { show "$T/body"; fail "status $CODE, expected $1 ($2)"; }
  [[ -z ${2:-} ]] && return
  python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$T/body" ||
    { show "$T/body"; fail "the body does not satisfy: $2"; }
}

call GET /version
expect 200 'j["version"].startswith("2.")'
call GET /proxies
expect 200 'j == {}'
call POST /proxies "{\"name\":\"db\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"$echo_addr\"}"
expect 201 'j["name"] == "db" and j["enabled"] is True and j["toxics"] == [] and not j["listen"].endswith(":0")'
call POST /proxies "{\"name\":\"db\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"$echo_addr\"}"
expect 409 'j == {"error": "proxy already exists", "status": 409}'
call POST /proxies '{"listen":"127.0.0.1:0","upstream":"127.0.0.1:1"}'
expect 400 'j == {"error": "missing required field: name", "status": 400}'
call POST /proxies '{"name":"x","listen":"127.0.0.1:0"}'
expect 400 'j == {"error": "missing required field: upstream", "status": 400}'
call POST /proxies '{"name":'
expect 400 'j["error"].startswith("bad request body") and j["status"] == 400'
call POST /proxies '{"name":"u","listen":"udp://127.0.0.1:0","upstream":"127.0.0.1:1"}'
expect 400 'j["error"].startswith("bad request body")'
call POST /proxies '{"name":"off","upstream":"127.0.0.1:1","enabled":false}'
expect 201 'j["enabled"] is False and j["listen"] == "127.0.0.1:0"'
call GET /proxies
expect 200 'sorted(j) == ["db", "off"] and j["db"]["upstream"] == "'"$echo_addr"'"'
call GET /proxies/db
expect 200 'j["name"] == "db"'
call GET /proxies/nope
expect 404 'j == {"error": "proxy not found", "status": 404}'

# Toxics: defaults (downstream, toxicity 1, type_stream as the name), errors, update, delete.
call POST /proxies/db/toxics '{"type":"latency","attributes":{"latency":50}}'
expect 200 'j == {"attributes": {"latency": 50, "jitter": 0}, "name": "latency_downstream", "type": "latency", "stream": "downstream", "toxicity": 1.0}'
call POST /proxies/db/toxics '{"type":"latency","attributes":{"latency":50}}'
expect 409 'j == {"error": "toxic already exists", "status": 409}'
call POST /proxies/db/toxics '{"type":"latency","stream":"sideways"}'
expect 400 'j == {"error": "stream was invalid, can be either upstream or downstream", "status": 400}'
call POST /proxies/db/toxics '{"type":"earthquake"}'
expect 400 'j == {"error": "invalid toxic type", "status": 400}'
call POST /proxies/db/toxics '{"type":"latency","name":"bad","attributes":{"latency":-5}}'
expect 400 'j["error"].startswith("bad request body") and "latency" in j["error"]'
call POST /proxies/db/toxics '{"type":"slicer","stream":"upstream","toxicity":0.5,"attributes":{"average_size":8,"size_variation":2,"delay":100}}'
expect 200 'j["name"] == "slicer_upstream" and j["toxicity"] == 0.5 and j["attributes"]["average_size"] == 8'
call POST /proxies/db/toxics '{"name":"lossy","type":"loss","attributes":{"rate":0.25}}'
expect 200 'j["type"] == "loss" and j["attributes"] == {"rate": 0.25}'
call GET /proxies/db/toxics
expect 200 '[t["name"] for t in j] == ["latency_downstream", "slicer_upstream", "lossy"]'
call GET /proxies/db/toxics/latency_downstream
expect 200 'j["attributes"]["latency"] == 50'
call POST /proxies/db/toxics/latency_downstream '{"attributes":{"jitter":10}}'
expect 200 'j["attributes"] == {"latency": 50, "jitter": 10}'
call PATCH /proxies/db/toxics/latency_downstream '{"toxicity":0.1}'
expect 200 'j["toxicity"] == 0.1 and j["attributes"]["jitter"] == 10'
call POST /proxies/db/toxics/nope '{"attributes":{}}'
expect 404 'j == {"error": "toxic not found", "status": 404}'
call DELETE /proxies/db/toxics/lossy
expect 204
call DELETE /proxies/db/toxics/lossy
expect 404 'j == {"error": "toxic not found", "status": 404}'
call GET /proxies/nope/toxics
expect 404 'j["error"] == "proxy not found"'
call GET /proxies/db
expect 200 'len(j["toxics"]) == 2'

# Update a proxy: disable, enable; populate; reset; delete.
call POST /proxies/db '{"enabled":false}'
expect 200 'j["enabled"] is False'
call PATCH /proxies/db '{"enabled":true}'
expect 200 'j["enabled"] is True'
call POST /populate "[{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"$echo_addr\"},{\"name\":\"b\",\"upstream\":\"$echo_addr\",\"enabled\":false}]"
expect 201 'sorted(p["name"] for p in j["proxies"]) == ["a", "b"]'
call POST /populate '[{"name":"c"}]'
expect 400 'j["error"] == "missing required field: upstream" and j["proxies"] == []'
call POST /reset
expect 204
call GET /proxies
expect 200 'all(p["enabled"] and p["toxics"] == [] for p in j.values()) and sorted(j) == ["a", "b", "db", "off"]'
call DELETE /proxies/a
expect 204
call DELETE /proxies/a
expect 404 'j["error"] == "proxy not found"'
call PUT /proxies/db '{}'
expect 405 'j["status"] == 405'
call GET /elsewhere
expect 404

# A browser is turned away whatever it asks.
CODE=$(curl -s -o "$T/body" -w '%{http_code}' -A 'Mozilla/5.0 (X11; Linux x86_64)' -X POST "$api/reset")
[[ $CODE == 403 ]] || fail "a browser's request got $CODE, expected 403"
expect_contains "$T/body" "User agent not allowed"
