"""HTTP load for bench/soak.sh: keep-alive GETs through the reverse proxy until a deadline.

Usage: http_load.py PORT SECONDS THREADS MANIFEST OUT

MANIFEST is JSON {path: sha256 or null}; a path with a digest must answer 200 with exactly that
body, one with null must answer 404. OUT gets JSON counts: requests, by status, bodies checked,
wrong bodies, transport errors by kind. A backend killed mid-answer shows up as a 502/503 or a
transport error, so both are counted, not fatal; a wrong body is always a failure.
"""
import collections
import hashlib
import http.client
import json
import random
import sys
import threading
import time

port, seconds, threads = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
manifest = json.load(open(sys.argv[4]))
out = sys.argv[5]
deadline = time.monotonic() + seconds
paths = sorted(manifest)
lock = threading.Lock()
totals = collections.Counter()
statuses = collections.Counter()
errors = collections.Counter()


def worker(seed):
    rnd = random.Random(seed)
    local, local_status, local_err = collections.Counter(), collections.Counter(), collections.Counter()
    conn = None
    n = 0
    # Bounded by the deadline and by a count, whichever comes first.
    while time.monotonic() < deadline and n < 10_000_000:
        n += 1
        path = rnd.choice(paths)
        close = rnd.random() < 0.1
        want = manifest[path]
        if want is not None:
            local["want_200"] += 1
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers={"Connection": "close"} if close else {})
            resp = conn.getresponse()
            body = resp.read()
            local["requests"] += 1
            local["bytes"] += len(body)
            local_status[str(resp.status)] += 1
            if want is None:
                if resp.status != 404:
                    local["unexpected_status"] += 1
            elif resp.status == 200:
                local["bodies_checked"] += 1
                if hashlib.sha256(body).hexdigest() != want:
                    local["wrong_bodies"] += 1
            elif resp.status not in (502, 503, 504):
                local["unexpected_status"] += 1
            if close or resp.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            local["requests"] += 1
            local_err[type(e).__name__] += 1
            if conn is not None:
                conn.close()
            conn = None
            time.sleep(0.05)
        time.sleep(0.002)  # moderate: leave the cores to others
    if conn is not None:
        conn.close()
    with lock:
        totals.update(local)
        statuses.update(local_status)
        errors.update(local_err)


pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
for t in pool:
    t.start()
for t in pool:
    t.join()
json.dump({"totals": totals, "statuses": statuses, "errors": errors}, open(out, "w"))
