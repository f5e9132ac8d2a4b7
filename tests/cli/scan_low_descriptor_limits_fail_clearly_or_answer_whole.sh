#!/usr/bin/env bash
# scan under descriptor limits from 6 to 16: each run either reports the whole answer (the one
# listening port open) or fails with a message and exit 74 — never "no ports to show" with exit 0,
# never a partial list, never a hang.
source "$(dirname "$0")/../lib/lib.sh"
[[ -z ${VITNET_SANITIZE:-} ]] || skip "ASan needs descriptors of its own below ulimit -n 16"
need python3
mkdir "$T/www"
start_serve "http://127.0.0.1:0" --dir "$T/www" --workers 1 -q
port=$(url_port "$URL")
for n in 6 7 8 9 10 11 12 14 16; do
  rc=0
  (ulimit -n "$n" && exec timeout 20 "$VITNET" scan 127.0.0.1 -p "$port,1-20" --open) \
    >"$T/out.$n" 2>"$T/err.$n" || rc=$?
  [[ $rc != 124 ]] || fail "ulimit -n $n: the scan hung"
  if [[ $rc == 0 ]]; then
    grep -q "^$port/tcp *open" "$T/out.$n" ||
      fail "ulimit -n $n: exit 0 without the open port $port: $(cat "$T/out.$n" "$T/err.$n")"
  else
    [[ $rc == 74 ]] || fail "ulimit -n $n: exit $rc, expected 0 or 74: $(cat "$T/err.$n")"
    [[ -s $T/err.$n ]] || fail "ulimit -n $n: exit $rc without a message"
    expect_not_contains "$T/err.$n" "internal error"
    [[ ! -s $T/out.$n ]] || fail "ulimit -n $n: a failed scan printed a result: $(cat "$T/out.$n")"
  fi
done
