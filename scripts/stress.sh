#!/usr/bin/env bash
# Long forms of the hardening tests: the stress test with 1,000 add/list/stats/remove cycles
# (two concurrent CLI clients, a module load while adds are in flight, RSS per cycle), then
# the fault tests, against an existing build.
#
# Usage: scripts/stress.sh [--build DIR] [--cycles N] [--repeat K]
#   --cycles N   cycles of the stress test (default 1000; CI runs 200)
#   --repeat K   run the stress test K times (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
build="$(pwd)/build"
cycles=1000
repeat=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --cycles) cycles=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "unknown argument '$1'" >&2; exit 2 ;;
  esac
done
tests="$build/bin/integration_tests"
[ -x "$tests" ] || { echo "missing $tests: build first (scripts/build.sh)" >&2; exit 1; }
export CLRPROBE_STRESS_CYCLES=$cycles
status=0
for i in $(seq 1 "$repeat"); do
  echo "== stress run $i/$repeat: $cycles cycles"
  "$tests" --gtest_filter='Stress.*' || status=1
done
echo "== faults"
"$tests" --gtest_filter='Faults.*' || status=1
exit $status
