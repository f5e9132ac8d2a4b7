#!/usr/bin/env bash
# Files vitnet writes whole (--ready-file, test net --junit/--trace, connect --download) used a
# predictable temporary name, opened without O_EXCL: a symlink planted there by another user made
# --ready-file overwrite the file it pointed to. Now no name is used until the data is complete,
# and the name then is unguessable; a symlink at the target itself is replaced, not followed.
source "$(dirname "$0")/../lib/lib.sh"
echo "precious" >"$T/victim"

# Every predictable name the old code could have used, for the next few process ids.
next=$(($(sh -c 'echo $$') + 1))
for ((p = next; p < next + 400; p++)); do ln -s "$T/victim" "$T/serve1.ready.tmp.$p"; done  # start_serve's first ready file
start_serve -k --echo "tcp://127.0.0.1:0"
expect_content "$T/victim" 'precious\n'
[[ $URL == tcp://127.0.0.1:* ]] || fail "ready file: $URL"

# A symlink at the target: the ready file replaces the link; the victim is untouched.
ln -s "$T/victim" "$T/linked.url"
(_close_held_fds; exec "$VITNET" serve -k --echo "tcp://127.0.0.1:0" --ready-file "$T/linked.url") \
  >/dev/null 2>&1 &
track $!
wait_until 10 test ! -L "$T/linked.url" || fail "the symlink at the target is still there"
expect_content "$T/victim" 'precious\n'
grep -q '^tcp://127.0.0.1:' "$T/linked.url" || fail "the ready file holds: $(cat "$T/linked.url")"
