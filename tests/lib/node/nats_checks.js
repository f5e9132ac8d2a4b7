// Drives a NATS server with nats.js (the npm `nats` client) through the behaviours a client
// relies on, printing "ok NAME" for each; the first failure exits 1 naming it.
// Usage: node nats_checks.js URL [token=T | user=U pass=P] [expect-auth-failure]
'use strict';
const { connect, StringCodec, headers, ErrorCode } = require('nats');

const [url, ...rest] = process.argv.slice(2);
const opts = { servers: url, timeout: 5000, reconnect: false };
let expectAuthFailure = false;
for (const a of rest) {
  if (a === 'expect-auth-failure') expectAuthFailure = true;
  else if (a.startsWith('token=')) opts.token = a.slice(6);
  else if (a.startsWith('user=')) opts.user = a.slice(5);
  else if (a.startsWith('pass=')) opts.pass = a.slice(5);
}
const sc = StringCodec();
const check = (name, cond, detail) => {
  if (!cond) {
    console.error(`FAIL ${name}${detail === undefined ? '' : ': ' + JSON.stringify(detail)}`);
    process.exit(1);
  }
  console.log(`ok ${name}`);
};
// Collects what a subscription gets until `n` messages or `ms` pass.
async function collect(sub, n, ms = 2000) {
  const got = [];
  const timer = setTimeout(() => sub.unsubscribe(), ms);
  for await (const m of sub) {
    got.push(m);
    if (got.length >= n) break;
  }
  clearTimeout(timer);
  return got;
}

(async () => {
  let nc;
  try {
    nc = await connect(opts);
  } catch (e) {
    if (expectAuthFailure) {
      check('authorization refused', e.code === ErrorCode.AuthorizationViolation, e.code);
      return;
    }
    throw e;
  }
  check('connected', !expectAuthFailure);

  const a = nc.subscribe('greet.*');
  nc.publish('greet.en', sc.encode('hello'));
  const [m1] = await collect(a, 1);
  check('publish reaches a wildcard subscriber', m1 && m1.subject === 'greet.en' && sc.decode(m1.data) === 'hello', m1 && m1.subject);

  const deep = nc.subscribe('tree.>');
  const shallow = nc.subscribe('tree.*', { max: 1 });
  nc.publish('tree.a.b', sc.encode('deep'));
  nc.publish('tree.a', sc.encode('shallow'));
  const d = await collect(deep, 2);
  const s = await collect(shallow, 1);
  check('> matches one or more tokens', d.length === 2 && d[0].subject === 'tree.a.b', d.map((m) => m.subject));
  check('* matches exactly one token', s.length === 1 && s[0].subject === 'tree.a', s.map((m) => m.subject));

  const members = [1, 2, 3].map(() => nc.subscribe('work', { queue: 'workers' }));
  const plain = nc.subscribe('work');
  const counts = members.map(() => 0);
  const done = members.map((sub, i) => (async () => { for await (const _ of sub) counts[i]++; })());
  for (let i = 0; i < 60; i++) nc.publish('work', sc.encode(String(i)));
  const everyone = await collect(plain, 60);
  await nc.flush();
  await new Promise((r) => setTimeout(r, 200));
  members.forEach((sub) => sub.unsubscribe());
  await Promise.all(done);
  check('a plain subscriber gets every message', everyone.length === 60, everyone.length);
  check('a queue group gets each message once', counts.reduce((x, y) => x + y, 0) === 60, counts);
  check('the group spreads the messages', counts.filter((c) => c > 0).length >= 2, counts);

  const h = headers();
  h.append('Trace-Id', 'abc');
  h.append('Multi', 'one');
  h.append('Multi', 'two');
  const hs = nc.subscribe('with.headers');
  nc.publish('with.headers', sc.encode('body'), { headers: h });
  const [hm] = await collect(hs, 1);
  check('headers arrive', hm && hm.headers && hm.headers.get('Trace-Id') === 'abc' && hm.headers.values('Multi').join(',') === 'one,two' && sc.decode(hm.data) === 'body',
        hm && hm.headers && [...hm.headers.keys()]);

  const svc = nc.subscribe('svc.upper');
  (async () => { for await (const m of svc) m.respond(sc.encode(sc.decode(m.data).toUpperCase())); })();
  const r = await nc.request('svc.upper', sc.encode('abc'), { timeout: 2000 });
  check('request gets its reply', sc.decode(r.data) === 'ABC', sc.decode(r.data));

  try {
    await nc.request('nobody.home', sc.encode('x'), { timeout: 2000 });
    check('no responders', false, 'a reply came');
  } catch (e) {
    check('no responders', e.code === ErrorCode.NoResponders, e.code);
  }

  const limited = nc.subscribe('limited', { max: 2 });
  for (let i = 0; i < 5; i++) nc.publish('limited', sc.encode(String(i)));
  const lm = await collect(limited, 5, 500);
  check('a subscription with max ends after max messages', lm.length === 2, lm.length);

  const big = new Uint8Array(512 * 1024).fill(7);
  const bs = nc.subscribe('big');
  nc.publish('big', big);
  const [bm] = await collect(bs, 1);
  check('a 512 KiB message arrives whole', bm && bm.data.length === big.length && bm.data.every((x) => x === 7), bm && bm.data.length);

  const rtt = await nc.rtt();
  check('ping round trip', rtt >= 0, rtt);
  check('the server says it speaks headers', nc.info && nc.info.headers === true, nc.info);
  await nc.drain();
  check('drained', nc.isClosed());
})().catch((e) => {
  console.error('FAIL', e && (e.stack || e));
  process.exit(1);
});
