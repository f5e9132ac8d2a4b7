#!/usr/bin/env bash
# Bytes relayed `vitnet connect` -> `vitnet serve --sink` over TCP on loopback (2 GiB), against
# socat -b131072 on both ends and ncat (--send-only -> --recv-only).
#
# Two ways to feed the client, both reported:
#   file  stdin redirected from a file in /dev/shm (or $TMPDIR when /dev/shm is too small)
#   pipe  `cat FILE | client`
#
# Usage: bench/relay.sh VITNET_BINARY
# Env:   PAIRS (default 5)        vitnet/socat pairs per feed, after one warm-up each
#        NCAT_PAIRS (default 3)   vitnet/ncat pairs (file feed), capped at PAIRS
#        RELAY_BYTES (2147483648) bytes per run
#        RUN_TIMEOUT (120)        seconds before a single run is declared hung
#        CHECK (1)                0 skips the one-off byte count check of `vitnet connect`
# Last line: ratio=<median socat_time/vitnet_time, file feed> pipe_ratio=<median, pipe feed>
#            pipe_min=<lowest pair, pipe feed> ... (higher is better)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init relay

V="$(vitnet_binary "${1:-}")"
need socat
need python3
PAIRS="$(bench_pairs 5)"
NCAT_PAIRS="${NCAT_PAIRS:-3}"
[[ "$NCAT_PAIRS" =~ ^[1-9][0-9]*$ ]] || die "NCAT_PAIRS must be a positive integer"
((NCAT_PAIRS <= PAIRS)) || NCAT_PAIRS="$PAIRS"
SIZE="${RELAY_BYTES:-2147483648}"
[[ "$SIZE" =~ ^[1-9][0-9]*$ ]] || die "RELAY_BYTES must be a positive integer"
RUN_TIMEOUT="${RUN_TIMEOUT:-120}"
HAVE_NCAT=0
command -v ncat >/dev/null 2>&1 && HAVE_NCAT=1

# ---- the data file, created once ------------------------------------------------------------
make_data_file "$SIZE" relay
GIB="$(awk -v s="$SIZE" 'BEGIN { printf "%.2f", s / 1073741824 }')"
echo "relay: $SIZE bytes ($GIB GiB) from $DATA, $PAIRS pairs per feed, vitnet $V"

# ---- servers --------------------------------------------------------------------------------
spawn "$V" serve -k --sink -q tcp://127.0.0.1:0 --ready-file "$BENCH_TMP/vitnet.ready" \
    2>"$BENCH_TMP/vitnet-serve.err"
VITNET_PID="$SPAWNED_PID"
VITNET_URL="$(wait_ready_file "$BENCH_TMP/vitnet.ready" "$VITNET_PID")"

SOCAT_PORT="$(free_port)"
spawn socat -b131072 -u "TCP-LISTEN:$SOCAT_PORT,bind=127.0.0.1,reuseaddr,fork" OPEN:/dev/null
SOCAT_PID="$SPAWNED_PID"
wait_listen "$SOCAT_PORT" "$SOCAT_PID"

if ((HAVE_NCAT)); then
    NCAT_PORT="$(free_port)"
    spawn ncat -l -k --recv-only 127.0.0.1 "$NCAT_PORT" >/dev/null
    NCAT_PID="$SPAWNED_PID"
    wait_listen "$NCAT_PORT" "$NCAT_PID"
fi

check_servers() {
    kill -0 "$VITNET_PID" 2>/dev/null || {
        cat "$BENCH_TMP/vitnet-serve.err" >&2
        die "vitnet serve --sink died"
    }
    kill -0 "$SOCAT_PID" 2>/dev/null || die "the socat server died"
    if ((HAVE_NCAT)); then kill -0 "$NCAT_PID" 2>/dev/null || die "the ncat server died"; fi
}

# ---- one timed run: prints seconds ----------------------------------------------------------
client() { # TOOL FEED
    local -a cmd
    case "$1" in
        vitnet) cmd=("$V" connect -q "$VITNET_URL") ;;
        socat) cmd=(socat -b131072 -u - "TCP:127.0.0.1:$SOCAT_PORT") ;;
        ncat) cmd=(ncat --send-only 127.0.0.1 "$NCAT_PORT") ;;
    esac
    if [[ "$2" == file ]]; then
        timeout "$RUN_TIMEOUT" "${cmd[@]}" <"$DATA"
    else
        # shellcheck disable=SC2002 # the pipe is the point of this feed
        cat "$DATA" | timeout "$RUN_TIMEOUT" "${cmd[@]}"
    fi
}

run() { # TOOL FEED -> seconds on stdout
    local t0 t1 rc=0
    sleep 0.2 # let the previous run's server side drain
    t0="$(now)"
    client "$1" "$2" </dev/null 2>"$BENCH_TMP/client.err" || rc=$?
    t1="$(now)"
    if ((rc)); then
        cat "$BENCH_TMP/client.err" >&2
        ((rc == 124)) && die "$1 client ($2 feed) hung: no exit after ${RUN_TIMEOUT}s"
        die "$1 client ($2 feed) failed with exit status $rc"
    fi
    if [[ -s "$BENCH_TMP/client.err" ]]; then
        echo "note: $1 client ($2 feed) wrote on stderr: $(head -c 300 "$BENCH_TMP/client.err")" >&2
    fi
    check_servers
    elapsed "$t0" "$t1"
}

gibps() { awk -v s="$SIZE" -v t="$1" 'BEGIN { printf "%.2f", s / 1073741824 / t }'; }

# ---- one-off check: vitnet connect delivers every byte ---------------------------------------
if [[ "${CHECK:-1}" != 0 ]]; then
    port="$(free_port)"
    # shellcheck disable=SC2016 # expanded by the inner bash
    spawn bash -c 'socat -u "TCP-LISTEN:$1,bind=127.0.0.1,reuseaddr" STDOUT | wc -c >"$2"' \
        _ "$port" "$BENCH_TMP/count"
    counter="$SPAWNED_PID"
    wait_listen "$port" "$counter"
    timeout "$RUN_TIMEOUT" "$V" connect -q "tcp://127.0.0.1:$port" <"$DATA" ||
        die "vitnet connect to a socat listener failed ($?)"
    wait "$counter" || die "the counting socat listener failed"
    got="$(tr -d ' ' <"$BENCH_TMP/count")"
    [[ "$got" == "$SIZE" ]] || die "vitnet connect delivered $got bytes, expected $SIZE"
    echo "check: vitnet connect delivered all $SIZE bytes"
fi

# ---- vitnet vs socat, both feeds ------------------------------------------------------------
declare -A RATIOS MINS VT ST
for feed in file pipe; do
    wv="$(run vitnet "$feed")"
    ws="$(run socat "$feed")"
    echo "warmup feed=$feed vitnet=${wv}s socat=${ws}s"
    ratios=() vts=() sts=()
    for ((i = 1; i <= PAIRS; i++)); do
        tv="$(run vitnet "$feed")"
        ts="$(run socat "$feed")"
        r="$(div "$ts" "$tv")"
        ratios+=("$r") vts+=("$tv") sts+=("$ts")
        echo "pair $i feed=$feed vitnet=${tv}s socat=${ts}s ratio=$r"
    done
    RATIOS[$feed]="$(fmt2 "$(median "${ratios[@]}")")"
    MINS[$feed]="$(printf '%s\n' "${ratios[@]}" | sort -g | head -n1)"  # the target holds in every pair
    VT[$feed]="$(median "${vts[@]}")"
    ST[$feed]="$(median "${sts[@]}")"
done

# ---- vitnet vs ncat, file feed --------------------------------------------------------------
NCAT_RATIO="n/a(ncat missing)"
if ((HAVE_NCAT)); then
    wv="$(run vitnet file)"
    wn="$(run ncat file)"
    echo "warmup feed=file vitnet=${wv}s ncat=${wn}s"
    ratios=() vts=() nts=()
    for ((i = 1; i <= NCAT_PAIRS; i++)); do
        tv="$(run vitnet file)"
        tn="$(run ncat file)"
        r="$(div "$tn" "$tv")"
        ratios+=("$r") vts+=("$tv") nts+=("$tn")
        echo "pair $i feed=file vitnet=${tv}s ncat=${tn}s ratio=$r"
    done
    NCAT_RATIO="$(fmt2 "$(median "${ratios[@]}")")"
    NV="$(median "${vts[@]}")"
    NN="$(median "${nts[@]}")"
else
    echo "ncat: skipped: ncat is not installed"
fi

# ---- summary --------------------------------------------------------------------------------
for feed in file pipe; do
    echo "summary feed=$feed: vitnet median ${VT[$feed]}s ($(gibps "${VT[$feed]}") GiB/s)," \
        "socat -b131072 median ${ST[$feed]}s ($(gibps "${ST[$feed]}") GiB/s), median ratio ${RATIOS[$feed]}," \
        "lowest pair ${MINS[$feed]}"
done
if ((HAVE_NCAT)); then
    echo "summary ncat feed=file: vitnet median ${NV}s ($(gibps "$NV") GiB/s)," \
        "ncat median ${NN}s ($(gibps "$NN") GiB/s), median ratio $NCAT_RATIO"
fi
echo "ratio=${RATIOS[file]} (throughput vs socat -b131072; higher is better; target >= 1.5)" \
    "pipe_ratio=${RATIOS[pipe]} pipe_min=${MINS[pipe]} (target >= 1.5 in every pair)" \
    "ncat_ratio=$NCAT_RATIO"
