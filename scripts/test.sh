#!/usr/bin/env bash
# The test command: installs dependencies, builds, runs every test
# (unit tests and integration tests on the real .NET runtime).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j 2 --timeout 600
# Hardening: fuzzing and sanitizer runs (fuzz/README.md), a few minutes.
# CLRPROBE_HARDENING=0 skips them.
if [[ ${CLRPROBE_HARDENING:-1} != 0 ]]; then
  ../scripts/hardening.sh
fi
