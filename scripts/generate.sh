#!/usr/bin/env bash
# Regenerates the committed man pages and shell completions from the CLI definition.
# Usage: scripts/generate.sh [path/to/vitnet] [output-root]   (output-root defaults to the repo)
set -euo pipefail
bin=${1:-build/vitnet}
root=${2:-$(cd "$(dirname "$0")/.." && pwd)}
mkdir -p "$root/man" "$root/completions"
"$bin" __generate man > "$root/man/vitnet.1"
for cmd in $("$bin" __complete "" | cut -f1); do
  "$bin" __generate "man:$cmd" > "$root/man/vitnet-$cmd.1"
done
"$bin" __generate bash > "$root/completions/vitnet.bash"
"$bin" __generate zsh > "$root/completions/_vitnet"
"$bin" __generate fish > "$root/completions/vitnet.fish"
