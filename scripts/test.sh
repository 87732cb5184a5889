#!/usr/bin/env bash
# The test command: installs dependencies, builds, runs every test
# (unit tests and integration tests on the real .NET runtime).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The lines this change touches follow .clang-format (untouched code is left as it is).
scripts/check-format.sh
scripts/build.sh
cd build
# Integration tests are dropped by CMake (with a warning only) when no .NET SDK is found:
# refuse to call that a pass. The floor is below today's count (120) so that removing a few
# tests is fine, losing a test file or the whole integration suite is not.
integration_floor=${CLRPROBE_MIN_INTEGRATION_TESTS:-100}
integration_count=$(ctest -N -L integration | sed -n 's/^Total Tests: //p')
if (( ${integration_count:-0} < integration_floor )); then
  echo "scripts/test.sh: only ${integration_count:-0} integration tests registered (floor ${integration_floor}); is the .NET SDK missing?" >&2
  exit 1
fi
ctest --output-on-failure -j 2 --timeout 600 --no-tests=error
# Hardening: fuzzing and sanitizer runs (fuzz/README.md), a few minutes.
# CLRPROBE_HARDENING=0 skips them.
if [[ ${CLRPROBE_HARDENING:-1} != 0 ]]; then
  ../scripts/hardening.sh
fi
