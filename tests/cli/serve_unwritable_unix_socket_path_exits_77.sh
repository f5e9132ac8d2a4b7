#!/usr/bin/env bash
# serve on a unix socket in a directory the user may not write exits 77 with "permission denied".
source "$(dirname "$0")/../lib/lib.sh"

need setpriv
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${as_nobody[@]}" "$VITNET" --version >/dev/null 2>&1 || skip "cannot run $VITNET as uid 65534"
mkdir "$T/readonly"
chmod 755 "$T/readonly"   # root's; others may enter but not create

expect_exit 77 "${as_nobody[@]}" "$VITNET" serve --echo "unix://$T/readonly/s.sock"
expect_empty "$OUT"
expect_contains "$ERR" "$T/readonly/s.sock"
expect_contains "$ERR" "permission denied"
expect_diagnostic "$ERR"
[[ ! -e $T/readonly/s.sock ]] || fail "a socket file appeared"
