#!/usr/bin/env bash
# serve --dir, the review's low findings on static files: dotfiles are hidden (404, not listed)
# unless --dotfiles, /.well-known/ stays public; "GET //host" redirects inside the site, never to
# "//host/"; a listing does not show the size or time of a file a symlink leads to outside the
# root; "/sub/../x" is normalised first and served; unknown methods get 501, known ones 405; a
# CORS preflight advertises only what a static server answers.
source "$(dirname "$0")/../lib/lib.sh"
need curl
mkdir -p "$T/www/sub" "$T/www/.git" "$T/www/.well-known" "$T/www/evil.example" "$T/outside"
echo secret >"$T/www/.env"
echo config >"$T/www/.git/config"
echo token >"$T/www/.well-known/acme"
echo x >"$T/www/x.txt"
head -c 123457 /dev/zero >"$T/outside/big.bin"
ln -s "$T/outside/big.bin" "$T/www/link.bin"
start_serve "http://127.0.0.1:0" --dir "$T/www" --cors -q
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }

[[ $(code "$URL/.env") == 404 ]] || fail "/.env should be hidden"
[[ $(code "$URL/.git/config") == 404 ]] || fail "/.git/config should be hidden"
[[ $(code "$URL/.well-known/acme") == 200 ]] || fail "/.well-known/ should be served"
curl -sf --max-time 5 -H 'Accept: application/json' "$URL/" -o "$T/list" || fail "listing failed"
expect_not_contains "$T/list" ".env"
expect_not_contains "$T/list" "123457"

curl -s --max-time 5 --path-as-is -D "$T/redir" -o /dev/null "$URL//evil.example"
expect_contains "$T/redir" "Location: /evil.example/"

[[ $(code --path-as-is "$URL/sub/../x.txt") == 200 ]] || fail "/sub/../x.txt should be served as /x.txt"
[[ $(code -X FROB "$URL/x.txt") == 501 ]] || fail "an unknown method should get 501"
[[ $(code -X DELETE "$URL/x.txt") == 405 ]] || fail "DELETE should get 405"
curl -s --max-time 5 -X OPTIONS -H 'Origin: http://a.example' -H 'Access-Control-Request-Method: PUT' \
  -D "$T/pre" -o /dev/null "$URL/x.txt"
expect_contains "$T/pre" "Access-Control-Allow-Methods: GET, HEAD, OPTIONS"

start_serve "http://127.0.0.1:0" --dir "$T/www" --dotfiles -q
[[ $(code "$URL/.env") == 200 ]] || fail "--dotfiles should serve /.env"
