#!/usr/bin/env bash
# QUIC and HTTP/3 on loopback, side by side:
#   relay  bytes relayed `connect --send-only` -> `serve --sink` over quic:// against the same
#          over tls:// (both vitnet): how much QUIC costs against TLS over TCP.
#   server an HTTP/3 download of one file: `serve https:// --http3 --dir` against ngtcp2's example
#          server (gtlsserver -d), the same client (vitnet connect --http3-only) for both.
#   client the same download from ngtcp2's example server: `vitnet connect --http3-only` against
#          ngtcp2's example client (gtlsclient --download), the same server for both.
#
# Usage: bench/quic.sh VITNET_BINARY
# Env:   PAIRS (default 5)          pairs per comparison, after one warm-up each
#        QUIC_BYTES (268435456)     bytes per relay run and size of the downloaded file
#        RUN_TIMEOUT (120)          seconds before a run is declared hung
# Last line: ratio=<median ngtcp2 server time / vitnet server time> ... (higher is better)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init quic

V="$(vitnet_binary "${1:-}")"
need python3
need gtlsserver
need gtlsclient
PAIRS="$(bench_pairs 5)"
SIZE="${QUIC_BYTES:-268435456}"
[[ "$SIZE" =~ ^[1-9][0-9]*$ ]] || die "QUIC_BYTES must be a positive integer"
RUN_TIMEOUT="${RUN_TIMEOUT:-120}"

make_data_file "$SIZE" quic
mkdir -p "$BENCH_TMP/htdocs" "$BENCH_TMP/dl"
ln -sf "$DATA" "$BENCH_TMP/htdocs/file"
echo "quic: $SIZE bytes from $DATA, $PAIRS pairs per comparison, vitnet $V"

# A certificate for the servers (vitnet's own CA; the clients here do not verify: --insecure, and
# gtlsclient never does).
"$V" tls gen ca --out-dir "$BENCH_TMP/pki" >/dev/null 2>&1 || die "tls gen ca failed"
"$V" tls gen cert localhost 127.0.0.1 --ca "$BENCH_TMP/pki/ca.pem" --out-dir "$BENCH_TMP/pki" \
    >/dev/null 2>&1 || die "tls gen cert failed"
CERT="$BENCH_TMP/pki/localhost.pem" KEY="$BENCH_TMP/pki/localhost-key.pem"

udp_port() {
    python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# ---- servers --------------------------------------------------------------------------------
spawn "$V" serve -k --sink -q quic://127.0.0.1:0 --cert "$CERT" --key "$KEY" \
    --ready-file "$BENCH_TMP/quic.ready" 2>"$BENCH_TMP/quic.err"
QUIC_URL="$(wait_ready_file "$BENCH_TMP/quic.ready" "$SPAWNED_PID")"
spawn "$V" serve -k --sink -q tls://127.0.0.1:0 --cert "$CERT" --key "$KEY" \
    --ready-file "$BENCH_TMP/tls.ready" 2>"$BENCH_TMP/tls.err"
TLS_URL="$(wait_ready_file "$BENCH_TMP/tls.ready" "$SPAWNED_PID")"
spawn "$V" serve -q --http3 --workers 1 --follow-symlinks "https://127.0.0.1:0" --dir "$BENCH_TMP/htdocs" \
    --cert "$CERT" --key "$KEY" --ready-file "$BENCH_TMP/h3.ready" 2>"$BENCH_TMP/h3.err"
H3_URL="$(wait_ready_file "$BENCH_TMP/h3.ready" "$SPAWNED_PID")"
NG_PORT="$(udp_port)"
spawn gtlsserver -q -d "$BENCH_TMP/htdocs" 127.0.0.1 "$NG_PORT" "$KEY" "$CERT" \
    >"$BENCH_TMP/ng.out" 2>&1
sleep 0.5
kill -0 "$SPAWNED_PID" 2>/dev/null || die "gtlsserver did not start: $(head -c 300 "$BENCH_TMP/ng.out")"

# ---- one timed run: prints seconds --------------------------------------------------------
attempt() { # WHAT
    case "$1" in
        quic) timeout "$RUN_TIMEOUT" "$V" connect -q --insecure --send-only "$QUIC_URL" <"$DATA" ;;
        tls) timeout "$RUN_TIMEOUT" "$V" connect -q --insecure --send-only "$TLS_URL" <"$DATA" ;;
        vserver) timeout "$RUN_TIMEOUT" "$V" connect -q --insecure --http3-only "$H3_URL/file" \
            --download "$BENCH_TMP/dl/v" ;;
        ngserver | vclient) timeout "$RUN_TIMEOUT" "$V" connect -q --insecure --http3-only \
            "https://127.0.0.1:$NG_PORT/file" --download "$BENCH_TMP/dl/v" ;;
        ngclient) timeout "$RUN_TIMEOUT" gtlsclient -q --exit-on-all-streams-close \
            --download "$BENCH_TMP/dl" 127.0.0.1 "$NG_PORT" "https://127.0.0.1:$NG_PORT/file" ;;
    esac
}

run() { # WHAT -> seconds on stdout
    local t0 t1 rc=0
    sleep 0.2
    rm -f "$BENCH_TMP/dl/v" "$BENCH_TMP/dl/file"
    t0="$(now)"
    attempt "$1" </dev/null >/dev/null 2>"$BENCH_TMP/client.err" || rc=$?
    t1="$(now)"
    if ((rc)); then
        cat "$BENCH_TMP/client.err" >&2
        ((rc == 124)) && die "$1 hung: no exit after ${RUN_TIMEOUT}s"
        die "$1 failed with exit status $rc"
    fi
    case "$1" in
        vserver | ngserver | vclient) [[ $(stat -c %s "$BENCH_TMP/dl/v") == "$SIZE" ]] ||
            die "$1: the download is not $SIZE bytes" ;;
        ngclient) [[ $(stat -c %s "$BENCH_TMP/dl/file") == "$SIZE" ]] ||
            die "$1: gtlsclient's download is not $SIZE bytes" ;;
    esac
    elapsed "$t0" "$t1"
}

mibps() { awk -v s="$SIZE" -v t="$1" 'BEGIN { printf "%.0f", s / 1048576 / t }'; }

compare() { # NAME A B: pairs of A and B, ratio = B time / A time (A faster: above 1)
    local name="$1" a="$2" b="$3" i ta tb r
    local ratios=() tas=() tbs=()
    run "$a" >"$BENCH_TMP/ta"
    run "$b" >"$BENCH_TMP/tb"
    echo "$name warmup $a=$(cat "$BENCH_TMP/ta")s $b=$(cat "$BENCH_TMP/tb")s"
    for ((i = 1; i <= PAIRS; i++)); do
        run "$a" >"$BENCH_TMP/ta"
        run "$b" >"$BENCH_TMP/tb"
        ta="$(cat "$BENCH_TMP/ta")" tb="$(cat "$BENCH_TMP/tb")"
        r="$(div "$tb" "$ta")"
        ratios+=("$r") tas+=("$ta") tbs+=("$tb")
        echo "$name pair $i $a=${ta}s ($(mibps "$ta") MiB/s) $b=${tb}s ($(mibps "$tb") MiB/s) ratio=$r"
    done
    RATIO="$(fmt2 "$(median "${ratios[@]}")")"
    echo "$name summary: $a median $(median "${tas[@]}")s, $b median $(median "${tbs[@]}")s, ratio $RATIO"
}

compare relay quic tls
RELAY="$RATIO"
compare client vclient ngclient
CLIENT="$RATIO"
compare server vserver ngserver
SERVER="$RATIO"
echo "ratio=$SERVER (median ngtcp2 server time / vitnet server time, same client; higher is better;" \
    "target >= 1.0) client_ratio=$CLIENT (ngtcp2 client time / vitnet client time, same server;" \
    "target >= 1.0) quic_vs_tls=$RELAY (tls time / quic time for the relay; no target)"
