#!/usr/bin/env python3
"""A small HTTP service of the kind vitnet's users test: GET /orders asks its database (a line
protocol over TCP) and answers with what it said. It is written to fail well: every call to the
database has a deadline, and an unreachable or silent database gives 503 quickly instead of a
hung request. examples/flaky-orders.toml tests exactly that behind a flaky network.

    python3 app.py --bind 127.0.0.1 --port 8080 --db 127.0.0.1:6000
"""
import argparse
import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DB_TIMEOUT = 1.0  # seconds: the service's own deadline for its database


def ask_database(address, question):
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=DB_TIMEOUT) as s:
        s.settimeout(DB_TIMEOUT)
        s.sendall(question.encode() + b"\n")
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer.decode().strip()


class Handler(BaseHTTPRequestHandler):
    db = None

    def reply(self, status, body):
        data = json.dumps(body).encode() + b"\n"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, {"status": "ok"})
        elif self.path == "/orders":
            try:
                answer = ask_database(self.db, "orders")
                self.reply(200, {"orders": answer.split(",") if answer else []})
            except OSError as e:  # refused, reset, timed out
                self.reply(503, {"error": f"database unavailable: {e}"})
        else:
            self.reply(404, {"error": "not found"})

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--db", required=True, help="HOST:PORT of the database")
    a = p.parse_args()
    Handler.db = a.db
    server = ThreadingHTTPServer((a.bind, a.port), Handler)
    print(f"orders service on http://{a.bind}:{a.port}, database {a.db}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
