#!/usr/bin/env bash
# Sanitizer runs (GCC, -fsanitize=address,undefined, build dir ./build-asan).
#
#   scripts/sanitize.sh unit    unit tests of the pure libraries under ASan+UBSan (+LSan)
#   scripts/sanitize.sh agent   a subset of the integration tests with the ASan+UBSan
#                               agent loaded into the real dotnet (see below)
#   scripts/sanitize.sh         both
#
# The agent subset reuses the main build (./build: integration_tests, the
# clrprobe CLI and the test apps; scripts/build.sh makes it) and points the
# CLI at the sanitized agent with CLRPROBE_AGENT. ASan must be the first
# library in a process, and dotnet is not built with it, so libasan is
# LD_PRELOADed into the dotnet processes (through a wrapper given to the tests
# as CLRPROBE_ITEST_DOTNET); the agent is linked against the shared
# libasan/libubsan (no static libstdc++ in this build, see the root
# CMakeLists.txt). The CLR handles SIGSEGV itself (null checks become
# NullReferenceException), hence handle_segv=0 and allow_user_segv_handler=1;
# leak checking is off because the runtime never frees much of what it
# allocates. Reports go to files (log_path), so a report fails the run even
# when the program's stderr is swallowed by a test.
#
# Environment: SANITIZE_BUILD_DIR (default build-asan), CLRPROBE_MAIN_BUILD
# (default build), SANITIZE_AGENT_FILTER (gtest filter of the agent subset).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${SANITIZE_BUILD_DIR:-build-asan}
main_build=${CLRPROBE_MAIN_BUILD:-build}
# The unit tests are every `*_tests` executable of the build except the two that need
# the real runtime or the whole export stack against live agents (integration_tests,
# export_integration_tests): read from the build graph, so a new test binary is
# sanitized without anyone remembering to list it here.
unit_test_targets() {
  ninja -C "$build_dir" -t targets all |
    sed -n 's|^bin/\([a-z_]*_tests\): CXX_EXECUTABLE_LINKER.*|\1|p' | grep -v 'integration_tests$' | sort -u
}
# Startup probes on every scenario (hooks, rewriter, report at exit), the
# order service, attach, every live-probe test (add/list/remove, many
# add/remove cycles under load, malformed frames on the control socket,
# pending probes), probing whole libraries, and the fault tests that remove
# files or fill the stats region under the agent. Not Stress.*: it bounds RSS
# growth, which ASan's quarantine inflates by design.
agent_filter=${SANITIZE_AGENT_FILTER:-ProbedScenarioAll.*:OrderService.ProbedCountsMatchTheServiceSummary:Attach.AttachesToAPlainProcessAndLiveProbesWork:LiveProbes.*:InstrumentEverything.*:Faults.StatsFileDeletedWhileRunning:Faults.RuntimeDirectoryRemovedWhileRunning:Faults.CliKilledMidCommand:Faults.StatsRegionFull}

# Debug (asserts on) at -Og with line tables only. The build is most of this step's
# time on CI's two cores: -Og compiles about 40% faster than -O1 and nearly as fast as
# -O0, while the unit tests run about as fast as at -O1 (all of them: ~40 s vs ~35 s);
# -O0 code runs them 2-4 times slower (il_tests 12 s instead of 3 s).
configure() {
  if [[ ! -f $build_dir/build.ninja ]]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-Og -g1" \
      -DCLRPROBE_WERROR=ON -DCLRPROBE_SANITIZE=address,undefined >/dev/null
  fi
}

# Fails if a sanitizer wrote a report into $1.
check_reports() {
  local dir=$1 reports
  reports=$(find "$dir" -maxdepth 1 -type f \( -name 'asan.*' -o -name 'ubsan.*' \) | sort)
  if [[ -n $reports ]]; then
    echo "sanitize: sanitizer reports:" >&2
    for r in $reports; do
      echo "---- $r" >&2
      head -n 60 "$r" >&2
    done
    return 1
  fi
}

run_unit() {
  configure
  local unit_tests
  mapfile -t unit_tests < <(unit_test_targets)
  if (( ${#unit_tests[@]} < 8 )); then
    echo "sanitize: only ${#unit_tests[@]} unit-test executables found in $build_dir (${unit_tests[*]})" >&2
    return 1
  fi
  cmake --build "$build_dir" -j 2 --target "${unit_tests[@]}"
  local dir=$build_dir/sanitize-unit status=0
  rm -rf "$dir" && mkdir -p "$dir"
  for t in "${unit_tests[@]}"; do
    local start=$SECONDS
    if ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:log_path=$PWD/$dir/asan" \
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$PWD/$dir/ubsan" \
        "$build_dir/bin/$t" --gtest_brief=1 >"$dir/$t.log" 2>&1; then
      echo "sanitize: $t ok ($((SECONDS - start)) s, $(grep -o '[0-9]* tests\? from [0-9]* test suites\? ran' "$dir/$t.log" | head -1))"
    else
      echo "sanitize: $t FAILED (log: $dir/$t.log)" >&2
      tail -n 40 "$dir/$t.log" >&2
      status=1
    fi
  done
  check_reports "$dir" || status=1
  return $status
}

run_agent() {
  for f in "$main_build/bin/integration_tests" "$main_build/bin/clrprobe"; do
    if [[ ! -x $f ]]; then
      echo "sanitize: $f missing: run scripts/build.sh first" >&2
      return 1
    fi
  done
  configure
  cmake --build "$build_dir" -j 2 --target clrprobe_agent
  local agent=$PWD/$build_dir/lib/libclrprobe.so
  if ! readelf -d "$agent" | grep -q 'libasan'; then
    echo "sanitize: $agent is not linked against libasan" >&2
    return 1
  fi
  local dir=$PWD/$build_dir/sanitize-agent status=0 libasan dotnet
  libasan=$(g++ -print-file-name=libasan.so)
  dotnet=$(readlink -f "$(command -v dotnet)")
  rm -rf "$dir" && mkdir -p "$dir/ld"
  # Only the dotnet processes get libasan (the tests and the CLI stay as they
  # are): the tests start programs through CLRPROBE_ITEST_DOTNET, a wrapper
  # that preloads it and execs the real host (same pid). LD_DEBUG=files
  # records every library each process loads: proof that the dotnet
  # processes really ran the sanitized agent.
  cat >"$dir/dotnet" <<WRAPPER
#!/bin/sh
export LD_PRELOAD=$libasan
export ASAN_OPTIONS=detect_leaks=0:handle_segv=0:allow_user_segv_handler=1:handle_sigbus=0:handle_sigfpe=0:log_path=$dir/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$dir/ubsan
export LD_DEBUG=files LD_DEBUG_OUTPUT=$dir/ld/trace
exec $dotnet "\$@"
WRAPPER
  chmod +x "$dir/dotnet"
  if ! CLRPROBE_AGENT=$agent CLRPROBE_ITEST_DOTNET=$dir/dotnet \
      "$main_build/bin/integration_tests" --gtest_filter="$agent_filter" >"$dir/integration.log" 2>&1; then
    status=1
  fi
  local loaded
  loaded=$(grep -l "file=$agent " "$dir"/ld/trace.* 2>/dev/null | wc -l)
  grep -E '^\[ +(OK|FAILED) +\]|tests? from .* ran' "$dir/integration.log" | sed 's/^/sanitize: agent: /' || true
  if ((status != 0)); then
    echo "sanitize: agent subset FAILED (log: $dir/integration.log)" >&2
    grep -E -A12 ': Failure$' "$dir/integration.log" | head -n 80 >&2 || true
  fi
  if ((loaded == 0)); then
    echo "sanitize: no dotnet process loaded $agent" >&2
    status=1
  else
    echo "sanitize: agent: $loaded dotnet processes ran the sanitized agent"
  fi
  check_reports "$dir" || status=1
  rm -rf "$dir/ld"
  return $status
}

case ${1:-all} in
  unit) run_unit ;;
  agent) run_agent ;;
  all) run_unit && run_agent ;;
  *) echo "usage: scripts/sanitize.sh [unit|agent|all]" >&2; exit 2 ;;
esac
