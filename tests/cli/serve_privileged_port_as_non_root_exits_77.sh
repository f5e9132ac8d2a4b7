#!/usr/bin/env bash
# serve on a privileged port (80) as an unprivileged user exits 77 with "permission denied".
source "$(dirname "$0")/../lib/lib.sh"

need setpriv
start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)
((start > 80)) || skip "port 80 is not privileged here (ip_unprivileged_port_start=$start)"
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${as_nobody[@]}" "$VITNET" --version >/dev/null 2>&1 || skip "cannot run $VITNET as uid 65534"

expect_exit 77 "${as_nobody[@]}" "$VITNET" serve --echo 127.0.0.1:80
expect_empty "$OUT"
expect_contains "$ERR" "127.0.0.1:80"
expect_contains "$ERR" "permission denied"
expect_diagnostic "$ERR"
