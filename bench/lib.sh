# shellcheck shell=bash
# Shared helpers for the benchmarks under bench/. Source it, do not run it.
#
# What it gives:
#   bench_init NAME          strict mode, temp dir ($BENCH_TMP), exit trap killing every background
#                            process started with `spawn` and removing temp files
#   vitnet_binary ARG        resolve and check the vitnet binary (absolute path)
#   remove_at_exit PATH      remove PATH (file or directory) when the script exits
#   spawn CMD...             start CMD in the background and remember it ($! in SPAWNED_PID)
#   free_port                a free loopback TCP port (python3 binds port 0) for anchors
#   wait_ready_file F PID    wait for vitnet's --ready-file, print the URL it holds
#   wait_listen PORT PID     wait until something LISTENs on 127.0.0.1:PORT (reads /proc/net/tcp,
#                            never connects, so a one-shot server is not consumed)
#   need CMD                 `skip` unless CMD is installed
#   skip REASON              print `skipped: REASON` and exit 0
#   die MSG                  print `error: MSG` on stderr and exit 1
#   now                      wall clock in seconds with microseconds
#   elapsed T0 T1            T1 - T0, 3 decimals
#   median X...              median of numbers
#   div A B                  A / B, 2 decimals
#   fmt2 X                   X with 2 decimals
#   bench_pairs DEFAULT      $PAIRS, or DEFAULT; checked to be a positive integer

set -euo pipefail

BENCH_PIDS=()
BENCH_RM=()
BENCH_TMP=""
BENCH_NAME="bench"
SPAWNED_PID=""

bench_init() {
    BENCH_NAME="${1:-bench}"
    BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/vitnet-bench.XXXXXX")"
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# Kill a pid and the direct children it left behind (socat and ncat fork per connection).
_bench_kill_tree() {
    local pid="$1" sig="$2" child
    for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
        kill "-$sig" "$child" 2>/dev/null || true
    done
    kill "-$sig" "$pid" 2>/dev/null || true
}

bench_cleanup() {
    local rc=$? pid i alive
    trap - EXIT INT TERM
    set +e
    if ((${#BENCH_PIDS[@]})); then
        for pid in "${BENCH_PIDS[@]}"; do _bench_kill_tree "$pid" TERM; done
        # Give them up to 2 s to go, then insist.
        for i in $(seq 20); do
            alive=0
            for pid in "${BENCH_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
            ((alive)) || break
            sleep 0.1
        done
        for pid in "${BENCH_PIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null && _bench_kill_tree "$pid" KILL
        done
        for pid in "${BENCH_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    fi
    if [[ -n "$BENCH_TMP" && -d "$BENCH_TMP" ]]; then rm -rf "$BENCH_TMP"; fi
    for i in "${BENCH_RM[@]}"; do rm -rf -- "$i"; done
    exit "$rc"
}

remove_at_exit() {
    BENCH_RM+=("$1")
}

spawn() {
    "$@" &
    SPAWNED_PID=$!
    BENCH_PIDS+=("$SPAWNED_PID")
}

# Stop one spawned process now (it stays in the list; killing it twice is harmless).
stop_pid() {
    local pid="$1" i
    _bench_kill_tree "$pid" TERM
    for i in $(seq 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && _bench_kill_tree "$pid" KILL
    wait "$pid" 2>/dev/null || true
}

skip() {
    echo "skipped: $*"
    exit 0
}

die() {
    echo "error: $BENCH_NAME: $*" >&2
    exit 1
}

need() {
    command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed (anchor missing)"
}

vitnet_binary() {
    local bin="${1:-}"
    [[ -n "$bin" ]] || die "usage: $0 VITNET_BINARY"
    [[ -x "$bin" && -f "$bin" ]] || die "$bin is not an executable file"
    # Absolute path, so a later cd cannot lose it.
    (cd "$(dirname "$bin")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$bin")")
}

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# wait_ready_file FILE PID [TIMEOUT_S]: prints the URL written by vitnet's --ready-file.
wait_ready_file() {
    local file="$1" pid="$2" timeout="${3:-10}" i url
    for ((i = 0; i < timeout * 20; i++)); do
        if [[ -s "$file" ]]; then
            url="$(head -n 1 "$file")"
            if [[ -n "$url" ]]; then
                printf '%s\n' "$url"
                return 0
            fi
        fi
        kill -0 "$pid" 2>/dev/null || die "server (pid $pid) exited before writing $file"
        sleep 0.05
    done
    die "no ready file $file after ${timeout}s"
}

# wait_listen PORT PID [TIMEOUT_S]: waits for a listening socket on 127.0.0.1:PORT (or the
# wildcard address) without connecting to it.
wait_listen() {
    local port="$1" pid="$2" timeout="${3:-10}" i hex
    hex="$(printf '%04X' "$port")"
    for ((i = 0; i < timeout * 20; i++)); do
        if awk -v p=":$hex" 'NR > 1 && $4 == "0A" && ($2 == "0100007F" p || $2 == "00000000" p) { found = 1 }
                END { exit !found }' /proc/net/tcp 2>/dev/null; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || die "server (pid $pid) exited before listening on port $port"
        sleep 0.05
    done
    die "nothing listening on 127.0.0.1:$port after ${timeout}s"
}

now() {
    if [[ -n "${EPOCHREALTIME:-}" ]]; then
        printf '%s\n' "${EPOCHREALTIME/,/.}"
    else
        date +%s.%N
    fi
}

elapsed() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'
}

median() {
    (($#)) || { echo "nan"; return 0; }
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.6g\n", m }'
}

div() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.2f\n", a / b }'
}

fmt2() {
    awk -v a="$1" 'BEGIN { printf "%.2f\n", a }'
}

# make_data_file SIZE NAME — a file of SIZE incompressible bytes (64 MiB of random data repeated),
# in /dev/shm when it has room, else $TMPDIR; removed at exit. Sets DATA.
make_data_file() {
    local size="$1" name="$2" dir=/dev/shm avail_kib chunk
    avail_kib="$(df -Pk "$dir" 2>/dev/null | awk 'NR == 2 { print $4 }' || true)"
    if [[ ! -d "$dir" || -z "$avail_kib" ]] || ((avail_kib * 1024 < size + 268435456)); then
        dir="${TMPDIR:-/tmp}"
    fi
    DATA="$(mktemp "$dir/vitnet-$name.XXXXXX")"
    remove_at_exit "$DATA"
    chunk="$BENCH_TMP/chunk"
    head -c 67108864 /dev/urandom >"$chunk"
    : >"$DATA"
    while (($(stat -c %s "$DATA") < size)); do cat "$chunk" >>"$DATA"; done
    truncate -s "$size" "$DATA"
    rm -f "$chunk"
}

bench_pairs() {
    local n="${PAIRS:-$1}"
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "PAIRS must be a positive integer, got '$n'"
    printf '%s\n' "$n"
}
