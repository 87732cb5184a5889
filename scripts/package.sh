#!/usr/bin/env bash
# Builds clrprobe (scripts/build.sh) and makes the release artefacts in
# build/packages/:
#   clrprobe-<version>-linux-x64.tar.gz   relocatable: unpack anywhere, run bin/clrprobe
#   clrprobe_<version>_amd64.deb          installs under /usr
# Both hold bin/clrprobe, lib/clrprobe/{libclrprobe.so,clrprobe-export} and
# share/doc/clrprobe (cmake/Packaging.cmake), stripped.
#
# Environment: PACKAGE_SKIP_BUILD=1 packages an existing ./build as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${PACKAGE_SKIP_BUILD:-0} != 1 ]]; then
  scripts/build.sh
fi
out=build/packages
rm -rf "$out"
cpack --config build/CPackConfig.cmake -B "$out" >"$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
rm -rf "$out/_CPack_Packages"
echo "packages:"
ls -l "$out"/*.tar.gz "$out"/*.deb
