#!/usr/bin/env bash
# Hardening checks, run by scripts/test.sh after the main test run (CI):
#   1. every libFuzzer target for a short time (fuzz/run.sh, clang-14)
#   2. the pure libraries' unit tests under ASan+UBSan (scripts/sanitize.sh unit)
#   3. a subset of the integration tests with the ASan+UBSan agent inside the
#      real dotnet (scripts/sanitize.sh agent; needs ./build from scripts/build.sh)
# Any crash, sanitizer report, broken fuzz property or failed test fails it.
#
# Environment: CLRPROBE_FUZZ_SECONDS (per target, default 20).
# Skip it entirely with CLRPROBE_HARDENING=0 (scripts/test.sh checks that).
set -euo pipefail
cd "$(dirname "$0")/.."

fuzz_seconds=${CLRPROBE_FUZZ_SECONDS:-20}
total_start=$SECONDS
summary=()

step() {
  local name=$1
  shift
  local start=$SECONDS
  echo "== hardening: $name"
  if "$@"; then
    summary+=("$name: ok ($((SECONDS - start)) s)")
  else
    summary+=("$name: FAILED ($((SECONDS - start)) s)")
    failed=1
  fi
}

failed=0
step "fuzz (${fuzz_seconds} s per target)" fuzz/run.sh "$fuzz_seconds"
step "sanitized unit tests" scripts/sanitize.sh unit
# The ASan agent inside dotnet is slow to build and run on 2 cores; CI runs it
# when CLRPROBE_SANITIZE_AGENT=1 (scripts/sanitize.sh agent runs it by hand).
if [[ ${CLRPROBE_SANITIZE_AGENT:-0} == 1 ]]; then
  step "sanitized agent in dotnet" scripts/sanitize.sh agent
fi

echo "== hardening summary ($((SECONDS - total_start)) s in all, builds included)"
printf '   %s\n' "${summary[@]}"
exit $failed
