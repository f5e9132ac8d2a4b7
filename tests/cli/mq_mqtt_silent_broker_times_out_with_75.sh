#!/usr/bin/env bash
# A listener that accepts and never sends CONNACK: mq pub gives up after --connect-timeout, exit 75.
source "$(dirname "$0")/../lib/lib.sh"
cat >"$T/silent.py" <<'PY'
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(f"{s.getsockname()[1]}\n")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(30)
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)
PY
bg python3 "$T/silent.py" "$T/port"
wait_until 10 test -s "$T/port" || fail "the silent listener did not start"
PORT=$(cat "$T/port")
EXPECT_TIMEOUT=10 expect_exit 75 "$VITNET" mq pub "mqtt://127.0.0.1:$PORT" t hello --connect-timeout 1s
expect_contains "$ERR" "no CONNACK within 1s"
expect_diagnostic "$ERR"
