#!/usr/bin/env bash
# The Debian package of `make package`, unpacked into an empty root, holds a vitnet that runs from
# there, the man pages (compressed) and the bash, zsh and fish completions, each as committed.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/package.sh"
build_deb

root=$T/root
dpkg-deb -x "$DEB" "$root" || fail "dpkg-deb -x $DEB failed"
[[ $(dpkg-deb -f "$DEB" Package) == vitnet ]] || fail "the package is not called vitnet"

expect_exit 0 "$root/usr/bin/vitnet" --version
want=$("$VITNET" --version)
[[ $(cat "$OUT") == "$want" ]] || { show "$OUT"; fail "the packaged vitnet says another version than '$want'"; }
file "$root/usr/bin/vitnet" | grep -q ', stripped' || fail "the packaged binary is not stripped"

src=$VITNET_SOURCE
n=0
for page in "$src"/man/*.1; do
  packaged=$root/usr/share/man/man1/$(basename "$page").gz
  [[ -f $packaged ]] || fail "the man page $(basename "$page") is not in the package"
  gzip -dc "$packaged" | cmp -s - "$page" || fail "$packaged differs from man/$(basename "$page")"
  n=$((n + 1))
done
((n >= 2)) || fail "only $n man pages in $src/man"
for pair in vitnet.bash:bash-completion/completions/vitnet _vitnet:zsh/vendor-completions/_vitnet \
  vitnet.fish:fish/vendor_completions.d/vitnet.fish; do
  cmp -s "$src/completions/${pair%%:*}" "$root/usr/share/${pair#*:}" ||
    fail "completions/${pair%%:*} is not in the package as /usr/share/${pair#*:}"
done
[[ -s $root/usr/share/doc/vitnet/copyright ]] || fail "no copyright file in the package"
gzip -dc "$root/usr/share/doc/vitnet/changelog.gz" | grep -q "^vitnet (" ||
  fail "no Debian changelog in the package"
