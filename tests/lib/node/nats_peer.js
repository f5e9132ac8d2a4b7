// One nats.js client action for tests, so that vitnet's clients meet a client nobody here wrote.
//   node nats_peer.js pub URL SUBJECT DATA [KEY=VALUE...]   publish (with headers), flush, exit
//   node nats_peer.js sub URL SUBJECT N READY_FILE          print N messages as JSON lines
//   node nats_peer.js reply URL SUBJECT READY_FILE          answer requests with the data in upper case
//   node nats_peer.js req URL SUBJECT DATA                  print the reply's data
'use strict';
const fs = require('fs');
const { connect, StringCodec, headers } = require('nats');

const [what, url, subject, ...rest] = process.argv.slice(2);
const sc = StringCodec();

(async () => {
  const nc = await connect({ servers: url, timeout: 5000 });
  if (what === 'pub') {
    const [data, ...pairs] = rest;
    let h;
    if (pairs.length) {
      h = headers();
      for (const p of pairs) h.append(p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1));
    }
    nc.publish(subject, sc.encode(data), h ? { headers: h } : undefined);
  } else if (what === 'sub') {
    const n = Number(rest[0]);
    const sub = nc.subscribe(subject, { max: n });
    await nc.flush();
    fs.writeFileSync(rest[1], 'ready\n');
    for await (const m of sub) {
      const hs = {};
      if (m.headers) for (const k of m.headers.keys()) hs[k] = m.headers.values(k).join(',');
      console.log(JSON.stringify({ subject: m.subject, data: sc.decode(m.data), headers: hs }));
    }
  } else if (what === 'reply') {
    const sub = nc.subscribe(subject);
    await nc.flush();
    fs.writeFileSync(rest[0], 'ready\n');
    for await (const m of sub) m.respond(sc.encode(sc.decode(m.data).toUpperCase()));
  } else if (what === 'req') {
    const r = await nc.request(subject, sc.encode(rest[0]), { timeout: 3000 });
    console.log(sc.decode(r.data));
  }
  await nc.drain();
})().catch((e) => {
  console.error(String(e && (e.code || e.message || e)));
  process.exit(1);
});
