// A JSON-RPC 2.0 server built on one of node's JSON-RPC libraries, for vitnet's interop tests: the
// same four methods whichever library answers, so a test can check vitnet against each of them.
//
// usage: node rpc_server.js KIND PORTFILE
//   KIND      jsonrpc2-tcp  json-rpc-2.0's JSONRPCServer over TCP, one message per line (ndjson)
//             jayson-tcp    jayson's own TCP server (ndjson)
//             jayson-http   jayson's own HTTP server (one POST per request, any path)
//             vscode-tcp    vscode-jsonrpc over TCP with LSP's Content-Length framing
//   PORTFILE  gets the port (127.0.0.1, chosen by the system) once the server listens
//
// Methods: echo (returns its params as given), add (the sum of numbers by position, or a+b by name),
// fail (error -32001 "failed on purpose", data {"why":"test"}), sleep (MS by position or {ms}, then
// "slept"). Every notification received is printed on stdout as one JSON line {"method","params"}.
// Unknown methods get each library's own -32601. SIGTERM ends the process (exit 0).
'use strict';

const fs = require('fs');
const net = require('net');
const readline = require('readline');

const [kind, portFile] = process.argv.slice(2);
if (!kind || !portFile) {
  process.stderr.write('usage: node rpc_server.js jsonrpc2-tcp|jayson-tcp|jayson-http|vscode-tcp PORTFILE\n');
  process.exit(64);
}

// An error answer the library should pass through as given.
class rpc_failure extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

const invalid_params = (why) => new rpc_failure(-32602, `invalid params: ${why}`);

// The methods, independent of any library: each takes the params as they came (array, object or
// undefined) and returns a value or a promise, or throws an rpc_failure.
const methods = {
  echo: (params) => (params === undefined ? null : params),
  add: (params) => {
    const terms = Array.isArray(params) ? params : params ? [params.a, params.b] : [];
    if (!terms.every((t) => typeof t === 'number')) throw invalid_params('add takes numbers, or a and b');
    return terms.reduce((sum, t) => sum + t, 0);
  },
  fail: () => {
    throw new rpc_failure(-32001, 'failed on purpose', { why: 'test' });
  },
  sleep: (params) => {
    const ms = Array.isArray(params) ? params[0] : params && params.ms;
    if (typeof ms !== 'number' || ms < 0) throw invalid_params('sleep takes a number of milliseconds');
    return new Promise((resolve) => setTimeout(() => resolve('slept'), ms));
  },
};

// The library-neutral error object of a thrown value (a bug in a method becomes -32603).
function error_object(e) {
  if (e instanceof rpc_failure) {
    return e.data === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, data: e.data };
  }
  return { code: -32603, message: String((e && e.message) || e) };
}

function log_notification(method, params) {
  process.stdout.write(JSON.stringify({ method, params: params === undefined ? null : params }) + '\n');
}

// Logs what a raw message holds of notifications (a batch may mix them with requests).
function log_notifications_in(message) {
  for (const m of Array.isArray(message) ? message : [message]) {
    if (m && typeof m === 'object' && typeof m.method === 'string' && !('id' in m)) log_notification(m.method, m.params);
  }
}

// Writes the port where a reader polling for a non-empty file never sees half of it.
function announce(server) {
  const tmp = `${portFile}.tmp`;
  fs.writeFileSync(tmp, `${server.address().port}\n`);
  fs.renameSync(tmp, portFile);
}

function listen(server) {
  server.listen(0, '127.0.0.1', () => announce(server));
  process.on('SIGTERM', () => process.exit(0));
}

// json-rpc-2.0 does no I/O: each line goes to receiveJSON, whose answer (null for notifications)
// goes back as one line.
function jsonrpc2_tcp() {
  const { JSONRPCServer, JSONRPCErrorException } = require('json-rpc-2.0');
  const server = new JSONRPCServer({ errorListener: () => {} });
  for (const [name, method] of Object.entries(methods)) {
    server.addMethod(name, async (params) => {
      try {
        return await method(params);
      } catch (e) {
        const o = error_object(e);
        throw new JSONRPCErrorException(o.message, o.code, o.data);
      }
    });
  }
  return net.createServer((socket) => {
    socket.on('error', () => {});
    const lines = readline.createInterface({ input: socket, crlfDelay: Infinity });
    lines.on('line', async (line) => {
      if (!line.trim()) return;
      try {
        log_notifications_in(JSON.parse(line));
      } catch {
        // not JSON: receiveJSON answers it with a parse error
      }
      const answer = await server.receiveJSON(line);
      if (answer !== null && !socket.destroyed) socket.write(JSON.stringify(answer) + '\n');
    });
  });
}

// jayson passes the params as the first argument and wants a node-style callback; an error object
// with a numeric code is sent as given.
function jayson_server() {
  const jayson = require('jayson');
  const handlers = {};
  for (const [name, method] of Object.entries(methods)) {
    handlers[name] = (params, callback) => {
      Promise.resolve()
        .then(() => method(params))
        .then((result) => callback(null, result), (e) => callback(error_object(e)));
    };
  }
  const server = new jayson.Server(handlers);
  server.on('request', (request) => log_notifications_in(request));
  return server;
}

// vscode-jsonrpc: one message connection per socket. The star handlers see every method with its
// params untouched (a named handler would get positional params spread into arguments).
function vscode_tcp() {
  const rpc = require('vscode-jsonrpc/node');
  return net.createServer((socket) => {
    socket.on('error', () => {});
    const connection = rpc.createMessageConnection(new rpc.SocketMessageReader(socket), new rpc.SocketMessageWriter(socket));
    connection.onRequest(async (name, params) => {
      if (!Object.hasOwn(methods, name)) throw new rpc.ResponseError(-32601, `unhandled method ${name}`);
      try {
        return await methods[name](params);
      } catch (e) {
        const o = error_object(e);
        throw new rpc.ResponseError(o.code, o.message, o.data);
      }
    });
    connection.onNotification((name, params) => log_notification(name, params));
    connection.onError(() => {});
    connection.onClose(() => connection.dispose());
    connection.listen();
  });
}

switch (kind) {
  case 'jsonrpc2-tcp':
    listen(jsonrpc2_tcp());
    break;
  case 'jayson-tcp':
    listen(jayson_server().tcp());
    break;
  case 'jayson-http':
    listen(jayson_server().http());
    break;
  case 'vscode-tcp':
    listen(vscode_tcp());
    break;
  default:
    process.stderr.write(`rpc_server.js: unknown kind '${kind}'\n`);
    process.exit(64);
}
