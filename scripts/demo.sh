#!/usr/bin/env bash
# A short tour of vitnet: a scenario on the mock network (no sockets, virtual time), then serve
# and connect on loopback over TCP, UDP and a Unix socket.
# Usage: scripts/demo.sh [path/to/vitnet]
set -euo pipefail
vitnet=$(cd "$(dirname "${1:-build/vitnet}")" && pwd)/$(basename "${1:-build/vitnet}")
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'
[[ -t 1 && -z ${NO_COLOR:-} ]] || bold='' dim='' off=''
step() { printf '\n%s== %s ==%s\n' "$bold" "$*" "$off"; }
show() { printf '%s$ %s%s\n' "$dim" "$*" "$off"; }

# Starts a server in the background and waits until it has written its URL.
serve() {
  local ready=$work/ready.$RANDOM
  show "vitnet serve $(printf '%q ' "$@")--ready-file $(basename "$ready") &"
  "$vitnet" serve "$@" --ready-file "$ready" &
  pids+=($!)
  for _ in $(seq 100); do [[ -s $ready ]] && break; sleep 0.05; done
  url=$(cat "$ready")
}

step "The mock network: a scenario with a server, clients and a partition that heals"
show "vitnet test net examples/quickstart.toml"
"$vitnet" test net "$src/examples/quickstart.toml"
show "vitnet test net --seeds 1..50 --jobs 2 examples/quickstart.toml | tail -1"
"$vitnet" test net --seeds 1..50 --jobs 2 "$src/examples/quickstart.toml" | tail -1

step "TCP: an echo server on a free port, and a client"
serve -k --echo tcp://127.0.0.1:0
echo_url=$url
show "echo 'hello over tcp' | vitnet connect $url"
echo 'hello over tcp' | "$vitnet" connect "$url"

step "TCP: half-close done right - the client sends, the server answers after reading it all"
serve --exec 'wc -c | tr -d " "' tcp://127.0.0.1:0
show "printf 'twelve bytes' | vitnet connect $url"
printf 'twelve bytes' | "$vitnet" connect "$url"

step "TCP: NDJSON connection events from a server (--json)"
json_ready=$work/json.ready
show "vitnet --json serve -k --sink tcp://127.0.0.1:0 &"
"$vitnet" --json -q serve -k --sink tcp://127.0.0.1:0 --ready-file "$json_ready" > "$work/events" &
pids+=($!)
for _ in $(seq 100); do [[ -s $json_ready ]] && break; sleep 0.05; done
head -c 1000000 /dev/zero | "$vitnet" connect "$(cat "$json_ready")"
sleep 0.2
cat "$work/events"

step "TCP: is a port open? (-z: exit 0 open, 69 refused, 75 timeout)"
show "vitnet connect -z $echo_url; echo \$?"
"$vitnet" connect -z "$echo_url" && echo "exit $?"
show "vitnet connect -z tcp://127.0.0.1:1; echo \$?"
"$vitnet" connect -z tcp://127.0.0.1:1 || echo "exit $?"

step "TLS: certificates for development, and TLS on any transport"
show "vitnet tls gen dev localhost 127.0.0.1 --out-dir certs"
XDG_DATA_HOME="$work/data" "$vitnet" tls gen dev localhost 127.0.0.1 --out-dir "$work/certs"
tls_ready=$work/tls.ready
show "vitnet serve -k --echo tls://127.0.0.1:0 --cert certs/localhost.pem --key certs/localhost-key.pem &"
"$vitnet" -q serve -k --echo tls://127.0.0.1:0 --cert "$work/certs/localhost.pem" --key "$work/certs/localhost-key.pem" --ready-file "$tls_ready" &
pids+=($!)
for _ in $(seq 100); do [[ -s $tls_ready ]] && break; sleep 0.05; done
show "echo 'hello over tls' | vitnet -v connect --ca \$XDG_DATA_HOME/vitnet/ca/ca.pem $(cat "$tls_ready")"
echo 'hello over tls' | "$vitnet" -v connect --ca "$work/data/vitnet/ca/ca.pem" "$(cat "$tls_ready")"
show "vitnet connect $(cat "$tls_ready")   # the system store does not know the dev CA"
echo x | "$vitnet" connect "$(cat "$tls_ready")" || echo "exit $?"

step "UDP: every datagram answered by the server"
serve --echo udp://127.0.0.1:0
show "printf 'one\\ntwo\\n' | vitnet connect $url"
printf 'one\ntwo\n' | "$vitnet" connect --idle-timeout 300ms "$url"

step "Unix socket: a chat server; what one client says reaches the others"
sock=$work/chat.sock
serve -k --broadcast "unix://$sock"
show "(vitnet connect unix://$sock > listener.out) & ; echo 'hi all' | vitnet connect unix://$sock"
"$vitnet" connect --recv-only "unix://$sock" > "$work/listener.out" &
listener=$!
sleep 0.2
(echo 'hi all from a unix client'; sleep 0.3) | "$vitnet" connect "unix://$sock"
sleep 0.2
kill "$listener" 2>/dev/null || true
show "cat listener.out"
cat "$work/listener.out"

step "DNS: a mock DNS server, lookups, and any command resolving through it"
printf '$ORIGIN demo.test.\n$TTL 60\n@ SOA ns admin 1 3600 600 86400 60\nwww A 127.0.0.1\napi CNAME www\n' > "$work/demo.zone"
serve -q dns://127.0.0.1:0 --records "$work/demo.zone" --fault 'flaky.demo.test=servfail'
dns=${url#dns://}
show "vitnet resolve api.demo.test A @$dns"
"$vitnet" resolve api.demo.test A "@$dns"
show "vitnet resolve --short flaky.demo.test A @$dns"
"$vitnet" resolve --short flaky.demo.test A "@$dns" || echo "exit $?"
serve -q -k --reply 'hello by name' tcp://127.0.0.1:0
show "vitnet --resolver $dns connect api.demo.test:${url##*:}"
"$vitnet" --resolver "$dns" connect "api.demo.test:${url##*:}" </dev/null; echo

step "Errors say what failed and exit with a stable code"
show "vitnet connect tcp://127.0.0.1:70000"
"$vitnet" connect tcp://127.0.0.1:70000 || echo "exit $?"
show "vitnet --resolver $dns connect nosuchhost.demo.test:80"
"$vitnet" --resolver "$dns" connect nosuchhost.demo.test:80 || echo "exit $?"

printf '\n%sdone.%s See man/vitnet.1 and "vitnet serve --help".\n' "$bold" "$off"
