# start_proxy for the end-to-end tests of `vitnet proxy`. Source it after lib.sh, do not run it:
#   source "$(dirname "$0")/../lib/lib.sh"
#   source "$(dirname "$0")/../lib/proxy.sh"

_proxy_count=0

# start_proxy ARGS... — `vitnet proxy ARGS --ready-file F` in the background, waited for (bounded)
# until it listens. Sets PURL (its URL), PROXY_PID, PROXY_OUT, PROXY_ERR (files). Its stdin is the
# test's. Each call gets its own files, so a test may start more than one proxy.
start_proxy() {
  _proxy_count=$((_proxy_count + 1))
  local n=$_proxy_count
  local ready=$T/proxy$n.ready
  PROXY_OUT=$T/proxy$n.out
  PROXY_ERR=$T/proxy$n.err
  bg "$VITNET" proxy "$@" --ready-file "$ready" >"$PROXY_OUT" 2>"$PROXY_ERR"
  PROXY_PID=$BG_PID
  if ! wait_until 10 _ready_or_gone "$ready" "$PROXY_PID" || [[ ! -s $ready ]]; then
    show "$PROXY_ERR"
    fail "vitnet proxy $* did not start"
  fi
  PURL=$(head -n1 "$ready")
}
