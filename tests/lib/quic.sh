# Helpers for the end-to-end tests of quic://. Source it after lib.sh, do not run it:
#   source "$(dirname "$0")/../lib/lib.sh"
#   source "$(dirname "$0")/../lib/quic.sh"
#
#   start_quic ARGS...   start_serve ARGS... quic://127.0.0.1:0 with an ephemeral certificate;
#                        sets what start_serve sets, and PIN (its --pin sha256:...)
#   sha_of FILE          the sha256 of FILE, hex only

start_quic() {
  start_serve "$@" quic://127.0.0.1:0
  [[ $URL == quic://127.0.0.1:* ]] || fail "serve wrote '$URL' as its URL, expected quic://127.0.0.1:PORT"
  PIN=$(grep -o -- '--pin sha256:[0-9A-Fa-f:]*' "$SERVE_ERR" | head -n1 | cut -d' ' -f2) || true
  [[ -n $PIN ]] || { show "$SERVE_ERR"; fail "serve printed no --pin for its ephemeral certificate"; }
}

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# slow_lines N DELAY — N numbered lines of 64 bytes on stdout, DELAY seconds apart (a sender slow
# enough that something can happen in the middle of its transfer; bounded by N x DELAY).
slow_lines() {
  local i
  for ((i = 1; i <= $1; i++)); do
    printf 'line %04d abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\n' "$i"
    sleep "$2"
  done
}

# echo_slowly_through ARGS... — start a quic:// echo server, then pipe slow_lines 40 0.04 (about
# 1.6 s) through `connect --pin PIN ARGS... URL`; fails unless connect exits 0 and prints back
# exactly what it sent. Leaves connect's stderr in $ERR.
echo_slowly_through() {
  start_quic --echo
  slow_lines 40 0 >"$T/sent"
  export -f slow_lines
  EXPECT_TIMEOUT=20 expect_exit 0 bash -c 'slow_lines 40 0.04 | "$@"' _ "$VITNET" connect --pin "$PIN" "$@" "$URL"
  cmp -s "$T/sent" "$OUT" || { show "$OUT"; show "$ERR"; fail "the echo differs from what was sent"; }
}
