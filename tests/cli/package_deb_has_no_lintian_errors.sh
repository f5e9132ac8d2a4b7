#!/usr/bin/env bash
# The Debian package of `make package` passes lintian, Debian's package checker, without an error
# (the notes it still makes are explained beside the packaging rules in CMakeLists.txt).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/package.sh"
need lintian
build_deb

rc=0
timeout -k 2 60 lintian "$DEB" >"$T/lintian.out" 2>&1 || rc=$?
if [[ $rc != 0 ]] || grep -q '^E: ' "$T/lintian.out"; then
  echo "lintian $(basename "$DEB"):" >&2
  show "$T/lintian.out"
  fail "lintian exited with $rc or reported errors"
fi
