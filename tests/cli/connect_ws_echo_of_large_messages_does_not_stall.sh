#!/usr/bin/env bash
# 1500 messages of 16 KiB (about 25 MB) from connect's stdin through `serve --echo ws://` come back
# whole and in order. Both ends apply back-pressure; the client used to stop reading echoes once
# its own stdin queue passed the high-water mark, while the server stopped reading until its
# echoes were read, and both stood still after about 3 MB.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --echo ws://127.0.0.1:0
/usr/bin/python3 - "$T/in" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(1500):
        f.write(("%016d" % i) * 1024 + "\n")
PY
EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" connect --linger 200ms "$URL" <"$T/in"
cmp -s "$T/in" "$OUT" || fail "the echoes ($(wc -c <"$OUT") bytes) differ from the $(wc -c <"$T/in") bytes sent"
