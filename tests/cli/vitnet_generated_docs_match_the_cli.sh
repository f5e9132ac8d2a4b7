#!/usr/bin/env bash
# The committed man pages and completions are what the CLI definition generates today.
set -euo pipefail
vitnet=${VITNET:-build/vitnet}
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bash "$src/scripts/generate.sh" "$vitnet" "$out"
status=0
for f in "$out"/man/* "$out"/completions/*; do
  rel=${f#"$out"/}
  if ! diff -u "$src/$rel" "$f" >/dev/null 2>&1; then
    echo "drift: $rel differs from what the CLI generates; run 'make generate' and commit" >&2
    status=1
  fi
done
for f in "$src"/man/* "$src"/completions/*; do
  rel=${f#"$src"/}
  [[ -e $out/$rel ]] || { echo "drift: $rel is committed but no longer generated" >&2; status=1; }
done
exit $status
