#!/usr/bin/env bash
# serve --dir keeps small files in memory and learns of changes from inotify instead of a stat per
# request. Each way a file can change must show in the very next request, in both worker
# processes: a write in place of the same size with the old mtime put back (which a stat-based
# cache cannot see), a write through a hard link outside the root, a rename over it, a directory
# on the way swapped for another, and a symlink on the way pointed elsewhere.
source "$(dirname "$0")/../lib/lib.sh"
mkdir -p "$T/site/dir" "$T/outside"
echo "first" >"$T/site/dir/f.txt"
ln "$T/site/dir/f.txt" "$T/outside/hard"
mkdir "$T/site/real" && echo "real" >"$T/site/real/g.txt" && ln -s real "$T/site/link"
start_serve "http://127.0.0.1:0" --dir "$T/site" --workers 2

# Several requests, so both workers have the file cached whichever gets which connection.
expect_each() {
  local path=$1 want=$2 i got
  for i in 1 2 3 4 5 6; do
    got=$(curl -s --max-time 5 "$URL/$path") || fail "GET /$path failed"
    [[ $got == "$want" ]] || fail "GET /$path (request $i, $3) gave '$got', not '$want'"
  done
}
expect_each dir/f.txt first "at the start"

stamp=$(stat -c %y "$T/site/dir/f.txt")
printf 'FIRST\n' >"$T/site/dir/f.txt"
touch -d "$stamp" "$T/site/dir/f.txt"  # same size, same mtime: only the bytes differ
expect_each dir/f.txt FIRST "after a same-size write with the mtime put back"

echo "hard" >"$T/outside/hard"
expect_each dir/f.txt hard "after a write through a hard link"

echo "renamed" >"$T/site/dir/f.new" && mv "$T/site/dir/f.new" "$T/site/dir/f.txt"
expect_each dir/f.txt renamed "after a rename over it"

mkdir "$T/site/dir2" && echo "swapped" >"$T/site/dir2/f.txt"
mv "$T/site/dir" "$T/site/dir.old" && mv "$T/site/dir2" "$T/site/dir"
expect_each dir/f.txt swapped "after its directory was swapped"

expect_each link/g.txt real "through a symlink"
mkdir "$T/site/real2" && echo "real2" >"$T/site/real2/g.txt"
ln -sfn real2 "$T/site/link"
expect_each link/g.txt real2 "after the symlink was pointed elsewhere"
echo "edited" >"$T/site/real2/g.txt"
expect_each link/g.txt edited "after a write behind the symlink"

rm "$T/site/dir/f.txt"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/dir/f.txt")
[[ $code == 404 ]] || fail "a removed file got $code"
