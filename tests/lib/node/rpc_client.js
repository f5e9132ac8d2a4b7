// A JSON-RPC 2.0 client built on one of node's JSON-RPC libraries, for vitnet's interop tests: it
// makes one call and prints what came back, so a test can drive a server with a client it did not
// write.
//
// usage: node rpc_client.js KIND URL METHOD [JSONPARAMS]
//   KIND        jsonrpc2-tcp  json-rpc-2.0's JSONRPCClient over TCP, one message per line (ndjson)
//               jayson-tcp    jayson's TCP client (ndjson)
//               jayson-http   jayson's HTTP client (one POST)
//               vscode-tcp    vscode-jsonrpc over TCP with LSP's Content-Length framing
//   URL         tcp://HOST:PORT for the tcp kinds, http://HOST:PORT[/PATH] for jayson-http
//   JSONPARAMS  a JSON array (by position) or object (by name); left out or null: no params
//
// Prints the result as one JSON line and exits 0; an error answer: the error object, exit 1; a
// failure to reach the server or a broken answer: a message on stderr, exit 2. Gives up after
// RPC_CLIENT_TIMEOUT_MS (default 10000) with exit 3.
'use strict';

const net = require('net');
const readline = require('readline');

const [kind, url, method, paramsText] = process.argv.slice(2);
if (!kind || !url || !method) {
  process.stderr.write('usage: node rpc_client.js jsonrpc2-tcp|jayson-tcp|jayson-http|vscode-tcp URL METHOD [JSONPARAMS]\n');
  process.exit(64);
}

let params;
try {
  params = paramsText === undefined ? null : JSON.parse(paramsText);
} catch (e) {
  process.stderr.write(`rpc_client.js: params are not JSON: ${e.message}\n`);
  process.exit(64);
}
if (params !== null && typeof params !== 'object') {
  process.stderr.write('rpc_client.js: params must be a JSON array or object\n');
  process.exit(64);
}

const target = new URL(url);
const host = target.hostname.replace(/^\[|\]$/g, '');
const port = Number(target.port);

function finish(response) {
  if (response && response.error !== undefined) {
    process.stdout.write(JSON.stringify(response.error) + '\n');
    process.exit(1);
  }
  if (!response || !('result' in response)) {
    process.stderr.write(`rpc_client.js: not a JSON-RPC response: ${JSON.stringify(response)}\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(response.result) + '\n');
  process.exit(0);
}

function broken(e) {
  process.stderr.write(`rpc_client.js: ${(e && e.message) || e}\n`);
  process.exit(2);
}

const timeout = Number(process.env.RPC_CLIENT_TIMEOUT_MS || 10000);
setTimeout(() => {
  process.stderr.write(`rpc_client.js: no answer after ${timeout} ms\n`);
  process.exit(3);
}, timeout).unref();

// json-rpc-2.0 does no I/O: requests leave through the send callback as lines, and lines that come
// back are handed to receive, which settles the pending request with the same id.
function jsonrpc2_tcp() {
  const { JSONRPCClient, createJSONRPCRequest } = require('json-rpc-2.0');
  const socket = net.connect({ host, port });
  socket.on('error', broken);
  const client = new JSONRPCClient((message) => {
    socket.write(JSON.stringify(message) + '\n');
  });
  readline.createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
    if (!line.trim()) return;
    try {
      client.receive(JSON.parse(line));
    } catch (e) {
      broken(e);
    }
  });
  socket.on('end', () => broken(new Error('the server closed the connection without answering')));
  // requestAdvanced resolves with the whole response, error answers included.
  const request = createJSONRPCRequest(1, method, params === null ? undefined : params);
  socket.once('connect', () => client.requestAdvanced(request).then(finish, broken));
}

// jayson's clients answer a callback with the whole response; errors in it are not thrown.
function jayson_client() {
  const jayson = require('jayson');
  const client =
    kind === 'jayson-http'
      ? jayson.Client.http({ host, port, path: target.pathname + target.search })
      : jayson.Client.tcp({ host, port });
  client.request(method, params, (err, response) => (err ? broken(err) : finish(response)));
}

// vscode-jsonrpc spreads its arguments into params: byPosition sends an array of them, byName the one
// object. sendRequest rejects with a ResponseError when the server answers an error.
function vscode_tcp() {
  const rpc = require('vscode-jsonrpc/node');
  const socket = net.connect({ host, port });
  socket.on('error', broken);
  socket.once('connect', () => {
    const connection = rpc.createMessageConnection(new rpc.SocketMessageReader(socket), new rpc.SocketMessageWriter(socket));
    connection.onClose(() => broken(new Error('the server closed the connection without answering')));
    connection.listen();
    let sent;
    if (params === null) sent = connection.sendRequest(method);
    else if (Array.isArray(params)) sent = connection.sendRequest(method, rpc.ParameterStructures.byPosition, ...params);
    else sent = connection.sendRequest(method, rpc.ParameterStructures.byName, params);
    sent.then(
      (result) => finish({ result: result === undefined ? null : result }),
      (e) => (e instanceof rpc.ResponseError ? finish({ error: e.toJson() }) : broken(e)),
    );
  });
}

switch (kind) {
  case 'jsonrpc2-tcp':
    jsonrpc2_tcp();
    break;
  case 'jayson-tcp':
  case 'jayson-http':
    jayson_client();
    break;
  case 'vscode-tcp':
    vscode_tcp();
    break;
  default:
    process.stderr.write(`rpc_client.js: unknown kind '${kind}'\n`);
    process.exit(64);
}
