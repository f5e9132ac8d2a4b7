#!/usr/bin/env bash
# Idle connections held by `vitnet serve -k --echo`: open CONNS (10,000) TCP connections from one
# python3 client, check every one with a small echo, leave them idle, then read the server's VmRSS.
#
# Usage: bench/idle.sh VITNET_BINARY
# Env:   CONNS (default 10000)   connections to open
#        IDLE_SECONDS (default 2) how long to leave them idle before reading RSS
#        TIME_LIMIT (default 90)  seconds for the whole client run
# Last line: ratio=<rss_mib/32> (RSS against the 32 MiB target; lower is better)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init idle

V="$(vitnet_binary "${1:-}")"
need python3
CONNS="${CONNS:-10000}"
IDLE="${IDLE_SECONDS:-2}"
LIMIT="${TIME_LIMIT:-90}"
[[ "$CONNS" =~ ^[1-9][0-9]*$ ]] || die "CONNS must be a positive integer"

spawn "$V" serve -k --echo -q tcp://127.0.0.1:0 --ready-file "$BENCH_TMP/vitnet.ready" \
    2>"$BENCH_TMP/vitnet-serve.err"
VITNET_PID="$SPAWNED_PID"
VITNET_URL="$(wait_ready_file "$BENCH_TMP/vitnet.ready" "$VITNET_PID")"
echo "idle: $CONNS connections to $VITNET_URL (server pid $VITNET_PID), vitnet $V"

rc=0
timeout "$LIMIT" python3 - "$VITNET_URL" "$VITNET_PID" "$CONNS" "$IDLE" >"$BENCH_TMP/client.out" <<'EOF' || rc=$?
import os, resource, selectors, socket, sys, time

url, pid, want, idle = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
host, port = url.split("://", 1)[-1].rsplit(":", 1)
port = int(port)
assert host == "127.0.0.1", host

def status(key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    raise SystemExit(f"no {key} in /proc/{pid}/status (server gone?)")

def server_fds():
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1

def alive():
    return os.path.exists(f"/proc/{pid}/status")

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
need = want + 64
if soft < need:
    target = need if hard == resource.RLIM_INFINITY else min(need, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft = target
count = want
if soft < need:
    count = max(1, soft - 64)
    print(f"note: RLIMIT_NOFILE hard limit {hard} allows only {count} connections, not {want}", flush=True)

rss0 = status("VmRSS")
print(f"rss_before_kib={rss0}", flush=True)

socks = []
t0 = time.monotonic()
BATCH = 250
deadline = t0 + 60
failed = None
while len(socks) < count and failed is None:
    batch = []
    n = min(BATCH, count - len(socks))
    # Non-blocking connects, the whole batch at once.
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex((host, port))
        if err not in (0, 115):  # EINPROGRESS
            s.close()
            failed = f"connect #{len(socks) + len(batch) + 1}: {os.strerror(err)}"
            break
        batch.append(s)
    sel = selectors.DefaultSelector()
    for s in batch:
        sel.register(s, selectors.EVENT_WRITE)
    pending = len(batch)
    while pending and failed is None:
        if time.monotonic() > deadline:
            failed = "timed out connecting"
            break
        for key, _ in sel.select(timeout=5):
            s = key.fileobj
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            sel.unregister(s)
            pending -= 1
            if err:
                failed = f"connect #{len(socks) + 1}: {os.strerror(err)}"
    sel.close()
    if failed:
        for s in batch:
            s.close()
        break
    # Every connection of the batch: one small message, read its echo back.
    for s in batch:
        s.setblocking(True)
        s.settimeout(10)
    for i, s in enumerate(batch):
        s.sendall(b"ping %d\n" % (len(socks) + i))
    for i, s in enumerate(batch):
        msg = b"ping %d\n" % (len(socks) + i)
        got = b""
        try:
            while len(got) < len(msg):
                chunk = s.recv(len(msg) - len(got))
                if not chunk:
                    failed = f"connection #{len(socks) + i + 1} closed by the server before the echo"
                    break
                got += chunk
        except socket.timeout:
            failed = f"connection #{len(socks) + i + 1}: no echo within 10s"
        if failed:
            break
        if got != msg:
            failed = f"connection #{len(socks) + i + 1}: echo {got!r} != {msg!r}"
            break
    socks.extend(batch)
    if failed:
        break
    if not alive():
        failed = "server died"

t_open = time.monotonic() - t0
opened = len(socks)
print(f"opened={opened} verified={opened if not failed else 'partial'} open_seconds={t_open:.2f}", flush=True)
if failed:
    print(f"error: {failed} (after {opened} connections)", flush=True)

time.sleep(idle)
if not alive():
    print("error: server died while the connections were idle", flush=True)
    sys.exit(3)
rss = status("VmRSS")
hwm = status("VmHWM")
fds = server_fds()
print(f"rss_kib={rss} hwm_kib={hwm} server_fds={fds}", flush=True)

# A last check: one connection among the idle ones still echoes.
if socks:
    s = socks[len(socks) // 2]
    s.sendall(b"still there?\n")
    got = b""
    while len(got) < 13:
        c = s.recv(64)
        if not c:
            break
        got += c
    print(f"late_echo={'ok' if got == b'still there?' + bytes([10]) else repr(got)}", flush=True)

t1 = time.monotonic()
for s in socks:
    s.close()
socks.clear()
# Wait for the server to let go of them.
while time.monotonic() - t1 < 10 and server_fds() > 64:
    time.sleep(0.1)
print(f"after_close_fds={server_fds()} after_close_rss_kib={status('VmRSS')} close_seconds={time.monotonic() - t1:.2f}", flush=True)
sys.exit(2 if failed else 0)
EOF

cat "$BENCH_TMP/client.out"
if ((rc == 124)); then die "the client did not finish within ${LIMIT}s"; fi
kill -0 "$VITNET_PID" 2>/dev/null || {
    cat "$BENCH_TMP/vitnet-serve.err" >&2
    die "vitnet serve --echo died"
}
if [[ -s "$BENCH_TMP/vitnet-serve.err" ]]; then
    echo "note: vitnet serve wrote on stderr: $(head -c 500 "$BENCH_TMP/vitnet-serve.err")"
fi
opened="$(sed -n 's/^opened=\([0-9]*\).*/\1/p' "$BENCH_TMP/client.out")"
rss_kib="$(sed -n 's/^rss_kib=\([0-9]*\).*/\1/p' "$BENCH_TMP/client.out")"
[[ -n "$opened" && -n "$rss_kib" ]] || die "the client failed (exit status $rc)"
rss_mib="$(awk -v k="$rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')"
echo "connections=$opened rss_mib=$rss_mib"
((rc == 0)) || echo "warning: the client reported an error (exit status $rc); see above"
echo "ratio=$(awk -v k="$rss_kib" 'BEGIN { printf "%.2f", k / 1024 / 32 }') (RSS against the 32 MiB target; lower is better; target <= 1.0)"
((rc == 0)) || exit 1
