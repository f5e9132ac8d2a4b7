#!/usr/bin/env bash
# A FIFO under --dir once froze the whole server: it was opened (blocking, waiting for a writer)
# before its type was checked. Now it gets 403 at once and other requests go on; a regular file
# asked for as a directory ("/file.txt/") is 404, not the file.
source "$(dirname "$0")/../lib/lib.sh"
mkdir "$T/site"
mkfifo "$T/site/pipe"
echo "hello" >"$T/site/file.txt"
start_serve "http://127.0.0.1:0" --dir "$T/site" --workers 1
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/pipe") || true
[[ $code == 403 ]] || fail "the FIFO got '$code' (000: no answer within 5s)"
code=$(curl -s -o "$T/out" -w '%{http_code}' --max-time 5 "$URL/file.txt")
[[ $code == 200 ]] || fail "the file got $code after the FIFO"
expect_content "$T/out" 'hello\n'
for attempt in 1 2; do  # the second time, the file is in the server's cache
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/file.txt/")
  [[ $code == 404 ]] || fail "/file.txt/ got $code (attempt $attempt)"
done
