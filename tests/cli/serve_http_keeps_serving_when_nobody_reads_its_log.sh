#!/usr/bin/env bash
# serve http://: the request log goes to a pipe nobody reads (4 KiB, soon full). Requests are
# still answered (the log never blocks the event loop): 1500 requests on one connection complete,
# and the server then answers a new client at once.
source "$(dirname "$0")/../lib/lib.sh"
need python3
mkdir "$T/www"
echo hi >"$T/www/a.txt"
python3 - "$VITNET" "$T/www" <<'PY' || fail "requests stopped while the log pipe was full"
import fcntl, http.client, os, subprocess, sys, time
vitnet, www = sys.argv[1], sys.argv[2]
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ: a small pipe, soon full
ready = www + "/../ready"
p = subprocess.Popen([vitnet, "serve", "http://127.0.0.1:0", "--dir", www, "--workers", "1",
                      "--ready-file", ready], stdout=w, stderr=subprocess.DEVNULL)
os.close(w)
try:
    deadline = time.time() + 10
    while not (os.path.exists(ready) and os.path.getsize(ready)) and time.time() < deadline:
        time.sleep(0.05)
    port = int(open(ready).read().strip().rsplit(":", 1)[1])
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for i in range(1500):
        c.request("GET", "/a.txt")
        assert c.getresponse().read() == b"hi\n"
    c2 = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c2.request("GET", "/a.txt")
    assert c2.getresponse().status == 200
finally:
    p.kill()
    p.wait()
    os.close(r)
PY
