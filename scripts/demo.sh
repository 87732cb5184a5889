#!/usr/bin/env bash
# The main job, end to end and non-interactively: build clrprobe, start the sample order
# service (samples/OrderService, 2 worker threads) with the agent loaded and no probes,
# add probes while it serves, watch and print their figures, remove them, and show that
# the service went on unaffected.
#
#   scripts/demo.sh            (from the repository root or anywhere; needs root for apt-get
#                               on a fresh machine, and the .NET 10 SDK on PATH)
#
# Environment: DEMO_SECONDS (default 25) how long the service runs; DEMO_SKIP_BUILD=1 to
# use an existing build instead of installing and building; DEMO_BUILD_DIR (default build)
# where that build is.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
seconds=${DEMO_SECONDS:-25}
build_dir=$root/${DEMO_BUILD_DIR:-build}
clrprobe=$build_dir/bin/clrprobe
service_dll=$build_dir/apps/OrderService/OrderService.dll
work=$(mktemp -d "${TMPDIR:-/tmp}/clrprobe-demo.XXXXXX")
runner_pid=""
step=0

heading() {
  step=$((step + 1))
  printf '\n==== %d. %s ====\n' "$step" "$*"
}
run() {  # echo a command, then run it
  printf '$ %s\n' "$*"
  "$@"
}
fail() {
  echo "demo: error: $*" >&2
  if [[ -s $work/service.out ]]; then
    echo "---- service output:" >&2
    tail -n 20 "$work/service.out" >&2
  fi
  if [[ -s $work/agent.log ]]; then
    echo "---- agent log:" >&2
    tail -n 20 "$work/agent.log" >&2
  fi
  exit 1
}
cleanup() {
  if [[ -n $runner_pid ]] && kill -0 "$runner_pid" 2>/dev/null; then
    kill -TERM "$runner_pid" 2>/dev/null || true
    wait "$runner_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

heading "Install dependencies and build"
if [[ ${DEMO_SKIP_BUILD:-0} != 1 ]]; then
  scripts/install-deps.sh
  scripts/build.sh
fi
[[ -x $clrprobe ]] || fail "$clrprobe is missing (did the build fail?)"
[[ -f $service_dll ]] || fail "$service_dll is missing (did the build fail?)"
echo "built: $clrprobe, $build_dir/lib/libclrprobe.so, $service_dll"

heading "Start OrderService with the agent loaded (no probes yet), for $seconds s"
# Absolute paths only: the service runs in the work directory.
printf '$ clrprobe run --log %s -- dotnet %s %s &\n' "$work/agent.log" "$service_dll" "$seconds"
(cd "$work" && exec "$clrprobe" run --log "$work/agent.log" -- dotnet "$service_dll" "$seconds") \
  >"$work/service.out" 2>"$work/service.err" </dev/null &
runner_pid=$!

# The pid to probe is the dotnet process's (clrprobe run is its parent); the service prints it.
pid=""
for _ in $(seq 1 600); do
  pid=$(sed -n 's/^OrderService pid \([0-9]*\):.*/\1/p' "$work/service.out" | head -n 1)
  [[ -n $pid ]] && break
  kill -0 "$runner_pid" 2>/dev/null || fail "the service exited early"
  sleep 0.1
done
[[ -n $pid ]] || fail "the service did not print its pid"
head -n 1 "$work/service.out"

# The agent's control server comes up during the runtime's startup.
for _ in $(seq 1 300); do
  "$clrprobe" list -p "$pid" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "the service exited before its agent was reachable"
  sleep 0.1
done
"$clrprobe" list -p "$pid" >/dev/null || fail "the agent of pid $pid is not reachable"
echo "agent reachable: clrprobe list -p $pid succeeds"

heading ".NET processes on this machine"
run "$clrprobe" ps

heading "Add probes while it serves"
run "$clrprobe" add -p "$pid" 'OrderService.Orders.Store::*'
run "$clrprobe" add -p "$pid" 'OrderService.Pricing.Calculator::Price'
run "$clrprobe" list -p "$pid"

heading "Watch the figures live (6 refreshes, one per second)"
printf '$ %s\n' "clrprobe monitor -p $pid --count 6"
timeout -s INT 30 "$clrprobe" monitor -p "$pid" --interval 1 --count 6 || fail "clrprobe monitor failed"

heading "A snapshot of the figures"
run "$clrprobe" stats -p "$pid"

heading "Which method is slow: per-method figures, by total time"
run "$clrprobe" stats -p "$pid" --by-method --top 5

heading "Remove the probes"
run "$clrprobe" remove -p "$pid" --all
run "$clrprobe" list -p "$pid"
echo
echo "figures frozen since the removal:"
"$clrprobe" stats -p "$pid" --json >"$work/frozen1.json"
sleep 2
"$clrprobe" stats -p "$pid" --json >"$work/frozen2.json"
calls_of() { grep -o '"calls": [0-9]*' "$1" | tr -d '"calls: ' | tr '\n' ' '; }
echo "  calls per probe now:   $(calls_of "$work/frozen1.json")"
echo "  calls per probe 2 s on: $(calls_of "$work/frozen2.json")"
[[ $(calls_of "$work/frozen1.json") == "$(calls_of "$work/frozen2.json")" ]] || fail "removed probes still count"

heading "The service goes on"
kill -0 "$pid" 2>/dev/null || fail "the service is not running any more"
echo "pid $pid is still running; its latest progress lines:"
tail -n 3 "$work/service.out"
echo "(waiting for it to finish its $seconds s)"
status=0
wait "$runner_pid" || status=$?
runner_pid=""
[[ $status -eq 0 ]] || fail "the service exited with status $status"

heading "Its final summary"
grep -E '^(final:|calls|exceptions) ' "$work/service.out"
processed=$(sed -n 's/^final: processed \([0-9]*\) saved \([0-9]*\) rejected \([0-9]*\).*/\1 \2 \3/p' "$work/service.out")
read -r p s r <<<"$processed"
[[ -n ${p:-} && $((s + r)) -eq $p ]] || fail "inconsistent summary: $processed"
echo "consistent: saved $s + rejected $r = processed $p; exit status 0"
if grep -qE 'InvalidProgramException|Unhandled exception' "$work/service.out" "$work/service.err"; then
  fail "the service reported an error"
fi
echo "no errors on its stdout/stderr"

heading "Same output with and without the agent (fixed workload: 2 x 5000 orders)"
plain=$(dotnet "$service_dll" --iterations 5000 --seed 42)
probed=$("$clrprobe" run --probe 'OrderService.Orders.Store::*' --probe 'OrderService.Pricing.Calculator::Price' \
  --report "$work/report.json" -- dotnet "$service_dll" --iterations 5000 --seed 42)
if [[ $plain == "$probed" ]]; then
  echo "identical output ($(wc -l <<<"$plain") lines), e.g.:"
  grep -E '^final' <<<"$plain"
else
  diff <(echo "$plain") <(echo "$probed") || true
  fail "the output differs under the agent"
fi
"$clrprobe" report "$work/report.json"

heading "Done"
echo "demo finished; temporary files in $work are removed"
