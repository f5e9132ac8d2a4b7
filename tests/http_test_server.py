#!/usr/bin/env python3
"""An HTTP/1.1 server for the end-to-end tests of `vitnet connect http://...`.

Usage: http_test_server.py READY_FILE [CERT KEY]
Listens on 127.0.0.1 on a free port (HTTPS with CERT and KEY) and writes the port to READY_FILE
(atomically). Paths:
  /echo...              200, a JSON object: method, path, headers (lowercase names), body_b64
  /status/N             status N, body "status N\n"
  /redirect/N           302 to /redirect/N-1 ... /redirect/0 is 302 to /echo
  /see-other            303 to /echo
  /moved                301 to /echo
  /slow?delay=S         waits S seconds, then 200 "slow\n"
  /chunked              200 in chunks "one\n", "two\n", "three\n" (Transfer-Encoding: chunked)
  /bytes?n=N            N bytes 0, 1, ..., 255, 0, 1, ...
  /flaky?key=K&fail=N   503 (Retry-After: 0) for the first N requests with key K, then 200 "ok K\n"
  /close                closes the connection without answering
  /sha256               reads the body as it streams (Content-Length or chunked) and answers
                        "<sha256 hex> <bytes> <framing>\n"
"""
import base64
import hashlib
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

flaky_counts = {}
flaky_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: stderr belongs to the test
        pass

    def send(self, status, body, content_type="text/plain", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def digest_body(self):
        h = hashlib.sha256()
        n = 0
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            framing = "chunked"
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                left = size
                while left:
                    piece = self.rfile.read(min(left, 1 << 16))
                    if not piece:
                        raise ConnectionError("body cut short")
                    h.update(piece)
                    left -= len(piece)
                n += size
                self.rfile.readline()
        else:
            framing = "length"
            left = int(self.headers.get("Content-Length") or 0)
            while left:
                piece = self.rfile.read(min(left, 1 << 16))
                if not piece:
                    raise ConnectionError("body cut short")
                h.update(piece)
                n += len(piece)
                left -= len(piece)
        self.send(200, f"{h.hexdigest()} {n} {framing}\n".encode())

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/sha256":
            return self.digest_body()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        p = url.path
        if p.startswith("/echo"):
            doc = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_b64": base64.b64encode(body).decode(),
            }
            self.send(200, json.dumps(doc).encode(), "application/json")
        elif p.startswith("/status/"):
            n = int(p.split("/")[2])
            self.send(n, f"status {n}\n".encode())
        elif p.startswith("/redirect/"):
            n = int(p.split("/")[2])
            to = "/echo" if n == 0 else f"/redirect/{n - 1}"
            self.send(302, b"redirecting\n", extra=[("Location", to)])
        elif p == "/see-other":
            self.send(303, b"see other\n", extra=[("Location", "/echo")])
        elif p == "/moved":
            self.send(301, b"moved\n", extra=[("Location", "/echo")])
        elif p == "/slow":
            time.sleep(float(query.get("delay", ["5"])[0]))
            self.send(200, b"slow\n")
        elif p == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"one\n", b"two\n", b"three\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.flush()
                time.sleep(0.05)
            self.wfile.write(b"0\r\n\r\n")
        elif p == "/bytes":
            n = int(query.get("n", ["256"])[0])
            self.send(200, bytes(i % 256 for i in range(n)), "application/octet-stream")
        elif p == "/flaky":
            key = query.get("key", [""])[0]
            fail = int(query.get("fail", ["1"])[0])
            with flaky_lock:
                flaky_counts[key] = flaky_counts.get(key, 0) + 1
                count = flaky_counts[key]
            if count <= fail:
                self.send(503, b"try again\n", extra=[("Retry-After", "0")])
            else:
                self.send(200, f"ok {key}\n".encode())
        elif p == "/close":
            self.close_connection = True
            self.connection.shutdown(2)
        else:
            self.send(404, b"not found\n")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if len(sys.argv) > 3:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    ready = sys.argv[1]
    with open(ready + ".tmp", "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(ready + ".tmp", ready)
    server.serve_forever()


if __name__ == "__main__":
    main()
