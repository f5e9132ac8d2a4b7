#!/usr/bin/env bash
# Nothing outside --dir is served: "..", percent-encoded dots, encoded slashes, backslashes and
# symlinks that leave the root are refused (403); --follow-symlinks lets the symlink through.
source "$(dirname "$0")/../lib/lib.sh"
need curl

mkdir -p "$T/www/sub" "$T/outside"
echo secret >"$T/outside/secret.txt"
echo inside >"$T/www/sub/ok.txt"
ln -s "$T/outside/secret.txt" "$T/www/leak.txt"
ln -s sub/ok.txt "$T/www/inner.txt"
start_serve "http://127.0.0.1:0" --dir "$T/www"
for path in "/../outside/secret.txt" "/sub/../../outside/secret.txt" "/%2e%2e/outside/secret.txt" \
            "/sub/%2e%2e%2f%2e%2e%2foutside/secret.txt" "/..%5coutside%5csecret.txt" "/leak.txt"; do
  code=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' "$URL$path")
  [[ $code == 403 || $code == 400 || $code == 404 ]] || fail "$path gave $code"
  expect_not_contains "$T/body" "secret"
done
[[ $(curl -s "$URL/inner.txt") == inside ]] || fail "a symlink inside the root should be served"
start_serve "http://127.0.0.1:0" --dir "$T/www" --follow-symlinks
[[ $(curl -s "$URL/leak.txt") == secret ]] || fail "--follow-symlinks should serve the symlink"
