#!/usr/bin/env bash
# JSON-RPC through a NATS broker, on vitnet's broker and on nats-server alike: two instances of
# `rpc serve nats://... --service calc@1.2.0` share calls to calc.METHOD (queue group calc);
# `rpc list` finds both through $SRV.INFO, $SRV.PING and $SRV.STATS answer as the NATS
# micro-service API has it (the requests counted per instance add up); when one instance dies the
# other takes every call; a nats.js client calls with params alone; an unknown service is 69 (no
# responders) and an error object exits 1.
source "$(dirname "$0")/../lib/lib.sh"
need_node_module nats
methods=$VITNET_SOURCE/examples/methods.toml

run_on() {
  local U=$1
  bg "$VITNET" rpc serve "$U" --service calc@1.2.0 --methods "$methods" >"$T/a.out" 2>"$T/a.err"
  local A=$BG_PID
  bg "$VITNET" rpc serve "$U" --service calc@1.2.0 --methods "$methods" >"$T/b.out" 2>"$T/b.err"
  wait_until 10 grep -q 'serving calc' "$T/a.err" || { show "$T/a.err"; fail "instance a did not start"; }
  wait_until 10 grep -q 'serving calc' "$T/b.err" || { show "$T/b.err"; fail "instance b did not start"; }

  expect_exit 0 "$VITNET" rpc list "$U"
  [[ $(grep -c '^calc@1.2.0 ' "$OUT") == 2 ]] || { show "$OUT"; fail "rpc list did not find both instances"; }
  expect_contains "$OUT" "calc.greet"

  for i in $(seq 1 20); do
    expect_exit 0 "$VITNET" rpc call "$U/calc" echo_pair 1 '"two"'
    expect_content "$OUT" '["two",1]\n'
  done
  expect_exit 1 "$VITNET" rpc call "$U/calc" divide_by_zero 7
  expect_contains "$OUT" '"code":-32010'
  expect_exit 69 "$VITNET" rpc call "$U/nobody" anything
  expect_contains "$ERR" "no responders"

  expect_exit 0 "$VITNET" --json rpc list "$U"
  cat >"$T/stats.js" <<'JS'
const { connect, StringCodec, createInbox } = require(process.env.NATS_MODULE);
(async () => {
  const nc = await connect({ servers: process.argv[2] });
  const sc = StringCodec();
  const r = await nc.request('calc.echo_pair', sc.encode('["x", "y"]'), { timeout: 3000 });
  const answer = JSON.parse(sc.decode(r.data));
  if (JSON.stringify(answer.result) !== '["y","x"]') throw new Error('calc.echo_pair: ' + sc.decode(r.data));
  const pings = [];
  const inbox = createInbox();
  const sub = nc.subscribe(inbox, { max: 2 });
  nc.publish('$SRV.PING.calc', sc.encode(''), { reply: inbox });
  for await (const m of sub) pings.push(JSON.parse(sc.decode(m.data)));
  if (pings.length !== 2 || pings.some((p) => p.type !== 'io.nats.micro.v1.ping_response' || p.name !== 'calc')) throw new Error('ping: ' + JSON.stringify(pings));
  let total = 0;
  for (const p of pings) {
    const s = JSON.parse(sc.decode((await nc.request('$SRV.STATS.calc.' + p.id, sc.encode(''), { timeout: 3000 })).data));
    const e = s.endpoints.find((x) => x.name === 'echo_pair');
    if (s.type !== 'io.nats.micro.v1.stats_response' || !e || e.num_requests < 1) throw new Error('stats: ' + JSON.stringify(s));
    total += e.num_requests;
  }
  console.log('echo_pair calls', total);
  await nc.drain();
})().catch((e) => { console.error(String(e)); process.exit(1); });
JS
  NATS_MODULE=$VITNET_SOURCE/tests/node_modules/nats node "$T/stats.js" "$U" >"$T/stats.out" 2>"$T/stats.err" ||
    { show "$T/stats.err"; fail "nats.js: discovery and stats"; }
  expect_contains "$T/stats.out" "echo_pair calls 21"

  kill "$A"
  wait_exit "$A" 5
  for i in $(seq 1 5); do
    expect_exit 0 "$VITNET" rpc call "$U/calc" greet name=ana
    expect_contains "$OUT" 'hello ana'
  done
  kill "$BG_PID"
}

start_mq_broker
run_on "$URL"
start_nats_server
run_on "$NATS_URL"
