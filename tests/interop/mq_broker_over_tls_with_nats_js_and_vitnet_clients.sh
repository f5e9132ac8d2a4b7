#!/usr/bin/env bash
# The broker with --tls: INFO in the clear says tls_required, then the client upgrades, as NATS
# does. vitnet's clients connect with tls:// and --ca; nats.js (node's TLS) connects with the same
# CA; a plain nats:// client is told to use tls:// (76); with --client-ca, a client without a
# certificate is refused and one with a client certificate gets through. vitnet's clients also
# reach nats-server configured for TLS.
source "$(dirname "$0")/../lib/lib.sh"
need_node_module nats
(cd "$T" && "$VITNET" tls gen ca >/dev/null 2>&1 && "$VITNET" tls gen cert --ca ca.pem localhost 127.0.0.1 >/dev/null 2>&1 &&
  "$VITNET" tls gen client --ca ca.pem alice >/dev/null 2>&1) || fail "tls gen"

start_mq_broker --tls --cert "$T/localhost.pem" --key "$T/localhost-key.pem"
U=tls://127.0.0.1:$(url_port "$URL")
bg "$VITNET" mq sub "$U" secure.talk --ca "$T/ca.pem" --count 1 --timeout 10s >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
sleep 0.5
expect_exit 0 "$VITNET" mq pub "$U" secure.talk 'over tls' --ca "$T/ca.pem"
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "vitnet mq sub over TLS exited with $WAIT_RC"; }
expect_content "$T/sub.out" 'over tls\n'

expect_exit 76 "$VITNET" mq pub "$URL" secure.talk 'in the clear'
expect_contains "$ERR" "requires TLS: use tls://"
expect_exit 76 "$VITNET" mq pub "$U" secure.talk 'untrusted'
expect_contains "$ERR" "certificate"

cat >"$T/tls.js" <<'JS'
const fs = require('fs');
const { connect, StringCodec } = require(process.env.NATS_MODULE);
(async () => {
  const nc = await connect({ servers: process.argv[2], tls: { ca: fs.readFileSync(process.argv[3]) } });
  const sc = StringCodec();
  const sub = nc.subscribe('echo.back');
  (async () => { for await (const m of sub) m.respond(m.data); })();
  const r = await nc.request('echo.back', sc.encode('js over tls'), { timeout: 3000 });
  console.log(sc.decode(r.data));
  await nc.drain();
})().catch((e) => { console.error(String(e)); process.exit(1); });
JS
NATS_MODULE=$VITNET_SOURCE/tests/node_modules/nats node "$T/tls.js" "$U" "$T/ca.pem" >"$T/js.out" 2>"$T/js.err" ||
  { show "$T/js.err"; fail "nats.js over TLS"; }
expect_content "$T/js.out" 'js over tls\n'

start_mq_broker --cert "$T/localhost.pem" --key "$T/localhost-key.pem" --client-ca "$T/ca.pem"
U=tls://127.0.0.1:$(url_port "$URL")
expect_exit 76 "$VITNET" mq pub "$U" mtls.talk 'no certificate' --ca "$T/ca.pem"
expect_exit 0 "$VITNET" mq pub "$U" mtls.talk 'with a certificate' --ca "$T/ca.pem" --cert "$T/alice.pem" --key "$T/alice-key.pem"

if command -v nats-server >/dev/null; then
  cat >"$T/nats.conf" <<CONF
tls { cert_file: "$T/localhost.pem", key_file: "$T/localhost-key.pem" }
CONF
  start_nats_server -c "$T/nats.conf"
  U=tls://127.0.0.1:$NATS_PORT
  bg "$VITNET" mq reply "$U" upper --reply 'FROM VITNET' --ca "$T/ca.pem" --count 1 2>"$T/reply.err"
  sleep 0.5
  expect_exit 0 "$VITNET" mq req "$U" upper 'x' --ca "$T/ca.pem"
  expect_content "$OUT" 'FROM VITNET\n'
fi
