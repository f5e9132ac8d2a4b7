// Drives a toxiproxy API (toxiproxy itself or `vitnet proxy --api`) with toxiproxy's own node
// client, toxiproxy-node-client, as a user's test suite would: node toxiproxy_checks.js API_URL
// ECHO_HOST:PORT. The upstream is an echo server. Prints "ok <what>" per check; the first
// failure exits 1 naming it.
const net = require("net");
const { Toxiproxy, ToxiproxyError } = require("toxiproxy-node-client");

const [api, echo] = process.argv.slice(2);
const toxiproxy = new Toxiproxy(api);

function fail(what) {
  console.error(`FAIL ${what}`);
  process.exit(1);
}
function ok(what) {
  console.log(`ok ${what}`);
}
function check(cond, what) {
  if (!cond) fail(what);
  ok(what);
}

function hostPort(address) {
  const i = address.lastIndexOf(":");
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(address.slice(i + 1)) };
}

// A connection to the proxy that can send and wait for bytes.
function open(address) {
  return new Promise((resolve, reject) => {
    const s = net.connect(hostPort(address));
    const conn = { s, data: Buffer.alloc(0), waiters: [], closed: false, error: null };
    s.on("data", (d) => {
      conn.data = Buffer.concat([conn.data, d]);
      conn.waiters.forEach((w) => w());
    });
    s.on("close", () => {
      conn.closed = true;
      conn.waiters.forEach((w) => w());
    });
    s.on("error", (e) => {
      conn.error = e;
    });
    s.once("connect", () => resolve(conn));
    s.once("error", reject);
  });
}

// Sends `text` and waits for that many bytes back (the echo), or the end; milliseconds taken.
function roundTrip(conn, text, limitMs = 5000) {
  conn.data = Buffer.alloc(0);
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no echo within ${limitMs} ms`)), limitMs);
    const done = () => {
      if (conn.data.length >= text.length || conn.closed) {
        clearTimeout(timer);
        conn.waiters = [];
        resolve(Date.now() - start);
      }
    };
    conn.waiters = [done];
    conn.s.write(text);
  });
}

function waitClosed(conn, limitMs) {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    if (conn.closed) return resolve(0);
    const timer = setTimeout(() => reject(new Error(`still open after ${limitMs} ms`)), limitMs);
    conn.waiters.push(() => {
      if (conn.closed) {
        clearTimeout(timer);
        resolve(Date.now() - start);
      }
    });
  });
}

async function refused(address) {
  try {
    const c = await open(address);
    c.s.destroy();
    return false;
  } catch (e) {
    return e.code === "ECONNREFUSED";
  }
}

async function throwsApiError(promise, status) {
  try {
    await promise;
    return false;
  } catch (e) {
    return e instanceof ToxiproxyError && e.message.includes(String(status));
  }
}

async function main() {
  const version = await toxiproxy.getVersion();
  check(/"version"\s*:\s*"2\./.test(version), `version ${version.trim()}`);

  const proxy = await toxiproxy.createProxy({ name: "echo", listen: "127.0.0.1:0", upstream: echo });
  check(proxy.enabled && /:\d+$/.test(proxy.listen) && !proxy.listen.endsWith(":0"),
        `created a proxy listening on ${proxy.listen}`);
  check(await throwsApiError(toxiproxy.createProxy({ name: "echo", listen: "127.0.0.1:0", upstream: echo }), 409),
        "a second proxy of the same name is refused (409)");

  const conn = await open(proxy.listen);
  const plain = await roundTrip(conn, "hello\n");
  check(plain < 200 && conn.data.toString() === "hello\n", `echo without toxics (${plain} ms)`);

  // A toxic added while the connection is open acts on it.
  const latency = await proxy.addToxic({ type: "latency", stream: "downstream", toxicity: 1,
                                         attributes: { latency: 400, jitter: 0 } });
  check(latency.name === "latency_downstream" && latency.attributes.latency === 400,
        "added latency_downstream");
  const slow = await roundTrip(conn, "slow\n");
  check(slow >= 380, `the open connection now takes ${slow} ms (latency 400 ms)`);

  const got = await proxy.getToxic("latency_downstream");
  check(got.type === "latency" && got.stream === "downstream" && got.toxicity === 1,
        "read the toxic back");
  const changed = await got.update({ attributes: { latency: 100, jitter: 0 }, toxicity: 1 });
  check(changed.attributes.latency === 100, "changed its latency to 100 ms");
  const faster = await roundTrip(conn, "faster\n");
  check(faster >= 90 && faster < 350, `the open connection now takes ${faster} ms`);

  await changed.remove();
  const again = await roundTrip(conn, "again\n");
  check(again < 200, `removed: ${again} ms again`);
  check(await throwsApiError(proxy.getToxic("latency_downstream"), 404), "a removed toxic is not found (404)");
  check(await throwsApiError(proxy.addToxic({ type: "earthquake", attributes: {} }), 400),
        "an unknown toxic type is refused (400)");
  conn.s.destroy();

  // timeout: nothing gets through, and the connection closes after the timeout.
  const timeout = await proxy.addToxic({ name: "cut", type: "timeout", stream: "upstream",
                                         toxicity: 1, attributes: { timeout: 300 } });
  const c2 = await open(proxy.listen);
  c2.s.write("anyone?\n");
  const closedAfter = await waitClosed(c2, 3000);
  check(c2.data.length === 0 && closedAfter >= 250, `timeout: no echo, closed after ${closedAfter} ms`);
  await timeout.remove();

  // limit_data: the client gets that many bytes, then the end.
  const limit = await proxy.addToxic({ type: "limit_data", stream: "downstream", toxicity: 1,
                                       attributes: { bytes: 5 } });
  const c3 = await open(proxy.listen);
  c3.s.write("0123456789\n");
  await waitClosed(c3, 3000);
  check(c3.data.toString() === "01234", `limit_data: '${c3.data}' then closed`);
  await limit.remove();

  // reset_peer: the connection is reset.
  const reset = await proxy.addToxic({ type: "reset_peer", stream: "upstream", toxicity: 1,
                                       attributes: { timeout: 0 } });
  const c4 = await open(proxy.listen).catch((e) => ({ error: e, closed: true }));
  if (c4.s) {
    c4.s.write("x");
    await waitClosed(c4, 3000);
  }
  check(c4.error && c4.error.code === "ECONNRESET", `reset_peer: ${c4.error && c4.error.code}`);
  await reset.remove();

  // bandwidth: 100 KB/s carries 50 KB in about half a second.
  const bw = await proxy.addToxic({ type: "bandwidth", stream: "downstream", toxicity: 1,
                                    attributes: { rate: 100 } });
  const c5 = await open(proxy.listen);
  const paced = await roundTrip(c5, "z".repeat(50000));
  check(paced >= 400 && c5.data.length === 50000, `bandwidth: 50 KB in ${paced} ms`);
  c5.s.destroy();
  await bw.remove();

  // Disabled, the proxy refuses connections; enabled again, it relays.
  const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream: echo });
  check(!down.enabled && (await refused(proxy.listen)), "disabled: connections are refused");
  const up = await down.update({ enabled: true, listen: proxy.listen, upstream: echo });
  const c6 = await open(up.listen);
  check((await roundTrip(c6, "back\n")) < 200 && c6.data.toString() === "back\n", "enabled again: it relays");
  c6.s.destroy();

  // populate: several at once; then every proxy is listed.
  const populated = await toxiproxy.populate([
    { name: "one", listen: "127.0.0.1:0", upstream: echo },
    { name: "two", listen: "127.0.0.1:0", upstream: echo, enabled: false },
  ]);
  check(Object.keys(populated).sort().join(",") === "one,two" && !populated.two.enabled,
        "populated two proxies");
  const all = await toxiproxy.getAll();
  check(Object.keys(all).sort().join(",") === "echo,one,two", "all three are listed");

  // reset: toxics gone, every proxy enabled.
  await all.one.addToxic({ type: "latency", attributes: { latency: 1000 } });
  await toxiproxy.reset();
  const after = await toxiproxy.getAll();
  check(after.two.enabled && Object.values(after).every((p) => p.enabled), "reset enabled every proxy");
  const one = await toxiproxy.get("one");
  const c7 = await open(one.listen);
  check((await roundTrip(c7, "reset\n")) < 200, "reset removed the toxics");
  c7.s.destroy();

  await one.remove();
  check(await throwsApiError(toxiproxy.get("one"), 404), "a deleted proxy is not found (404)");
  console.log("ok all");
}

main().catch((e) => fail(`${e.name}: ${e.message}`));
