#!/usr/bin/env bash
# The generated bash completion, loaded into bash, completes commands and options via the binary.
set -euo pipefail
vitnet=${VITNET:-build/vitnet}
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
ln -s "$(cd "$(dirname "$vitnet")" && pwd)/$(basename "$vitnet")" "$bin/vitnet"
result=$(PATH="$bin:$PATH" bash -c '
  source "$1"
  COMP_WORDS=(vitnet se); COMP_CWORD=1; _vitnet; echo "cmds: ${COMPREPLY[*]}"
  COMP_WORDS=(vitnet serve --ec); COMP_CWORD=2; _vitnet; echo "opts: ${COMPREPLY[*]}"
  COMP_WORDS=(vitnet --color a); COMP_CWORD=2; _vitnet; echo "color: ${COMPREPLY[*]}"
' _ "$src/completions/vitnet.bash")
echo "$result"
grep -qx 'cmds: serve' <<<"$result" || { echo "expected 'serve' for 'se'" >&2; exit 1; }
grep -qx 'opts: --echo' <<<"$result" || { echo "expected '--echo' for 'serve --ec'" >&2; exit 1; }
grep -qx 'color: auto always' <<<"$result" || { echo "expected colour choices" >&2; exit 1; }
