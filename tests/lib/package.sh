# build_deb for the end-to-end tests of `make package`. Source it after lib.sh, do not run it:
#   source "$(dirname "$0")/../lib/lib.sh"
#   source "$(dirname "$0")/../lib/package.sh"

# build_deb — run CPack's DEB generator (the rules at the end of CMakeLists.txt) on the build tree
# $VITNET was built in, as `make package` does, but with its output and scratch files in $T/deb
# (cpack -B). Sets DEB, the package's path. Skips under the sanitizers (a sanitized binary is not
# packaged), where a tool is missing, and for a $VITNET that is not in a configured build tree.
build_deb() {
  [[ -z ${VITNET_SANITIZE:-} ]] || skip "a sanitized build is not packaged"
  need cpack dpkg-deb dpkg-shlibdeps file
  local build
  build=$(cd "$(dirname "$VITNET")" && pwd)
  [[ -f $build/CPackConfig.cmake ]] || skip "no CPackConfig.cmake beside $VITNET (configure with cmake first)"
  # Any install of the tree rewrites its install_manifest.txt: put back what was there, one
  # package test at a time so that none restores another's.
  local lock
  exec {lock}>"${TMPDIR:-/tmp}/vitnet-package-test.lock"
  flock -w 90 "$lock" || fail "another package test held the lock for 90s"
  local manifest=$build/install_manifest.txt
  if [[ -f $manifest ]]; then cp -p "$manifest" "$T/install_manifest.txt"; fi
  local rc=0
  (cd "$T" && timeout -k 2 50 cpack --config "$build/CPackConfig.cmake" -G DEB -B "$T/deb") \
    >"$T/cpack.out" 2>&1 || rc=$?
  if [[ -f $T/install_manifest.txt ]]; then mv -f "$T/install_manifest.txt" "$manifest"; else rm -f "$manifest"; fi
  exec {lock}>&-
  [[ $rc == 0 ]] || { show "$T/cpack.out"; fail "cpack exited with $rc"; }
  local debs=("$T"/deb/*.deb)
  [[ ${#debs[@]} == 1 && -f ${debs[0]} ]] || { show "$T/cpack.out"; fail "cpack made no single .deb in $T/deb"; }
  DEB=${debs[0]}
}
