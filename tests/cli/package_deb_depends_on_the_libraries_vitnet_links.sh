#!/usr/bin/env bash
# The Depends: of the package of `make package` is computed (dpkg-shlibdeps), not written by hand:
# it names the package of every shared library the binary needs (libssl among them), and
# Recommends: names libcurl4, which vitnet loads only for HTTP requests.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/package.sh"
need readelf dpkg-query
build_deb

depends=$(dpkg-deb -f "$DEB" Depends)
[[ -n $depends ]] || fail "the package has no Depends:"
echo "Depends: $depends" >"$T/depends"
# the package names, one a line, without versions or alternatives' bars
names=$(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*//; s/ //g' | grep -v '^$')
grep -qx 'libssl3\|libssl3t64' <<<"$names" || { show "$T/depends"; fail "Depends: does not name libssl"; }

# Each library the binary names (NEEDED), as the loader finds it here, and the package holding it.
needed=$(readelf -d "$VITNET" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[[ -n $needed ]] || fail "readelf found no NEEDED libraries in $VITNET"
ldd "$VITNET" >"$T/ldd" || fail "ldd $VITNET failed"
for soname in $needed; do
  path=$(awk -v so="$soname" '$1 == so && $2 == "=>" { print $3 }' "$T/ldd")
  [[ -n $path ]] || { show "$T/ldd"; fail "ldd does not resolve $soname"; }
  # dpkg knows a file by the path its package ships, /lib or /usr/lib (merged /usr)
  owner=$(dpkg-query -S "$path" 2>/dev/null || dpkg-query -S "${path#/usr}" 2>/dev/null ||
    dpkg-query -S "/usr$path" 2>/dev/null) || fail "no installed package holds $path"
  owner=${owner%%:*}
  grep -qx "$owner" <<<"$names" || { show "$T/depends"; fail "Depends: lacks $owner, which holds $soname"; }
done

[[ $(dpkg-deb -f "$DEB" Recommends) == *libcurl4* ]] || fail "Recommends: does not name libcurl4"
