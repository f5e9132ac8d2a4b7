// Loads one page in a running headless Chromium through the DevTools protocol and tells what
// happened, for tests that check a page vitnet wrote: the requests it made, those that failed,
// script exceptions, errors in the console and the browser's log (a Content-Security-Policy
// violation is one), the value of an expression evaluated in the page, and a screenshot of the
// whole page.
//
// usage: node page_check.js DEVTOOLS_ACTIVE_PORT_FILE PAGE_URL SCREENSHOT.png EXPRESSION
//   DEVTOOLS_ACTIVE_PORT_FILE  the file Chromium started with --remote-debugging-port=0 writes
//                              in its --user-data-dir (port, then the browser's path)
//   EXPRESSION                 JavaScript evaluated in the page once it has loaded; its value
//                              must be JSON-serialisable
//
// Prints one JSON object: {"requests": [url...], "failed": [{url, error}...], "exceptions":
// [text...], "errors": [text...], "value": ...} and exits 0; closes the browser at the end.
// A failure to talk to Chromium: a message on stderr, exit 2. Gives up after PAGE_CHECK_TIMEOUT_MS
// (default 20000) with exit 3.
'use strict';

const fs = require('fs');
const WebSocket = require('ws');

const [portFile, pageUrl, screenshot, expression] = process.argv.slice(2);
if (!portFile || !pageUrl || !screenshot || !expression) {
  process.stderr.write('usage: node page_check.js DEVTOOLS_ACTIVE_PORT_FILE PAGE_URL SCREENSHOT.png EXPRESSION\n');
  process.exit(64);
}
const timeout = Number(process.env.PAGE_CHECK_TIMEOUT_MS || 20000);
setTimeout(() => {
  process.stderr.write(`page_check: gave up after ${timeout} ms\n`);
  process.exit(3);
}, timeout).unref();

const [port, path] = fs.readFileSync(portFile, 'utf8').trim().split('\n');
const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });

let nextId = 1;
const waiting = new Map();
const listeners = [];
ws.on('message', (data) => {
  const m = JSON.parse(data.toString());
  if (m.id && waiting.has(m.id)) {
    const { resolve, reject } = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) reject(new Error(`${m.error.message} (${m.error.code})`));
    else resolve(m.result);
  } else if (m.method) {
    for (const l of listeners) l(m);
  }
});
ws.on('error', (e) => {
  process.stderr.write(`page_check: ${e.message}\n`);
  process.exit(2);
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  ws.send(JSON.stringify(msg));
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

function once(method, sessionId) {
  return new Promise((resolve) => {
    const l = (m) => {
      if (m.method === method && m.sessionId === sessionId) {
        listeners.splice(listeners.indexOf(l), 1);
        resolve(m.params);
      }
    };
    listeners.push(l);
  });
}

async function main() {
  await new Promise((resolve) => ws.once('open', resolve));
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });

  const report = { requests: [], failed: [], exceptions: [], errors: [], value: null };
  const urls = new Map();  // request id -> URL
  listeners.push((m) => {
    if (m.sessionId !== sessionId) return;
    const p = m.params;
    if (m.method === 'Network.requestWillBeSent') {
      urls.set(p.requestId, p.request.url);
      report.requests.push(p.request.url);
    }
    if (m.method === 'Network.loadingFailed') report.failed.push({ url: urls.get(p.requestId) || p.requestId, error: p.errorText, blocked: p.blockedReason || null });
    if (m.method === 'Runtime.exceptionThrown') report.exceptions.push(p.exceptionDetails.text + ' ' + ((p.exceptionDetails.exception || {}).description || ''));
    if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert')) report.errors.push(p.args.map((a) => a.value ?? a.description).join(' '));
    if (m.method === 'Log.entryAdded' && p.entry.level === 'error') report.errors.push(`${p.entry.source}: ${p.entry.text}`);
  });
  for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await send(`${domain}.enable`, {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride', { width: 1320, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);

  const loaded = once('Page.loadEventFired', sessionId);
  const nav = await send('Page.navigate', { url: pageUrl }, sessionId);
  if (nav.errorText) throw new Error(`navigating to ${pageUrl}: ${nav.errorText}`);
  await loaded;

  const r = await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId);
  if (r.exceptionDetails) report.exceptions.push(`the test's expression: ${r.exceptionDetails.text} ${(r.exceptionDetails.exception || {}).description || ''}`);
  else report.value = r.result.value;

  // The whole page, not only the first screen.
  const metrics = await send('Page.getLayoutMetrics', {}, sessionId);
  const size = metrics.cssContentSize || metrics.contentSize;
  const height = Math.min(Math.ceil(size.height), 8000);
  await send('Emulation.setDeviceMetricsOverride', { width: 1320, height, deviceScaleFactor: 1, mobile: false }, sessionId);
  const shot = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
  fs.writeFileSync(screenshot, Buffer.from(shot.data, 'base64'));

  process.stdout.write(JSON.stringify(report) + '\n');
  await send('Browser.close').catch(() => {});
  ws.close();
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`page_check: ${e.message}\n`);
  process.exit(2);
});
