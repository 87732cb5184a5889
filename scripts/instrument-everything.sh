#!/usr/bin/env bash
# Instrument-everything, long form: runs tests/apps/Everything (workloads + force-compile of
# whole assemblies with RuntimeHelpers.PrepareMethod) plainly and under `clrprobe run` with
# startup probes on every method of large sets of assemblies, and compares: same stdout,
# same exit code, no InvalidProgramException / BadImageFormatException, no crash. Prints per
# set the methods instrumented, the refusals by reason, ReJIT errors and timings.
#
# Usage: scripts/instrument-everything.sh [--build DIR] [--out DIR] [SET...]
#        scripts/instrument-everything.sh [--build DIR] [--out DIR] --bisect SELECTORS_FILE PREPARE...
#        scripts/instrument-everything.sh --types-from-report REPORT.json ASSEMBLY
#
#   SET          short      the CI set (Everything, System.Linq, System.Collections,
#                           System.Text.Json, CoreLib's System.Collections.Generic)
#                corelib    System.Private.CoreLib!*::* (every CoreLib method)
#                libraries  every method of 12 in-box libraries the workloads use
#                all        corelib + libraries + the app, in one process
#                (default: short corelib libraries all)
#   --bisect F PREPARE...   F holds one selector per line (e.g. from --types-from-report);
#                finds a smallest failing subset by halving: runs Everything with
#                `--prepare PREPARE`... under a probes file holding half of the lines, and
#                recurses into the half that fails (both halves fail: both are reported).
#   --types-from-report R A prints one selector per type of assembly A probed in report R
#                (A!Ns.Type::*), the input of --bisect.
#
# Environment: CLRPROBE_STATS_SLOTS (if the agent supports it) raises the stats region's
# slot capacity (default 4096 slots; every instrumented method needs one); the script
# asks for 65536 unless set. CLRPROBE / EVERYTHING_DLL override the clrprobe binary and
# Everything.dll of the build.
# Exit code: 0 when every set behaved exactly as without the agent, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build="$root/build"
out=""
bisect_file=""
sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --bisect) bisect_file=$(realpath "$2"); shift 2; sets=("$@"); break ;;
    --types-from-report)
      python3 - "$2" "$3" <<'EOF'
import json, re, sys
report, assembly = json.load(open(sys.argv[1])), sys.argv[2]
types = set()
for probe in report["probes"]:
    for m in probe.get("methods", []):
        name = m if isinstance(m, str) else m["name"]
        types.add(name.split("::")[0])
for t in sorted(types):
    # Characters a selector cannot hold become '*' (a glob: may match a few more types).
    print(f"{assembly}!{re.sub(r'[^A-Za-z0-9_.+`<>$@|=-]', '*', t)}::*")
EOF
      exit 0 ;;
    -h|--help) sed -n 2,30p "$0"; exit 0 ;;
    *) sets+=("$1"); shift ;;
  esac
done
[ -n "$out" ] || out="$build/instrument-everything"
clrprobe="${CLRPROBE:-$build/bin/clrprobe}"
app="${EVERYTHING_DLL:-$build/apps/Everything/Everything.dll}"
for f in "$clrprobe" "$app"; do
  [ -e "$f" ] || { echo "missing $f: build first (scripts/build.sh)" >&2; exit 1; }
done
mkdir -p "$out"
export CLRPROBE_RUNTIME_DIR="$out/runtime"
export CLRPROBE_STATS_SLOTS="${CLRPROBE_STATS_SLOTS:-65536}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

libraries=(System.Linq System.Collections System.Collections.Immutable System.Collections.Concurrent
           System.Text.Json System.Text.RegularExpressions System.Threading.Channels System.Memory
           System.Console System.Linq.Expressions System.Private.Uri System.Text.Encodings.Web)

# set name -> selectors (';'-separated) and --prepare arguments
set_spec() {
  local name=$1
  selectors=() prepare=()
  case "$name" in
    short)
      selectors=('Everything!*::*' 'System.Linq!*::*' 'System.Collections!*::*' 'System.Text.Json!*::*'
                 'System.Private.CoreLib!System.Collections.Generic.*::*')
      prepare=(self System.Linq System.Collections System.Text.Json System.Private.CoreLib:System.Collections.Generic) ;;
    corelib)
      selectors=('System.Private.CoreLib!*::*'); prepare=(System.Private.CoreLib) ;;
    libraries)
      for l in "${libraries[@]}"; do selectors+=("$l!*::*"); prepare+=("$l"); done ;;
    all)
      selectors=('Everything!*::*' 'System.Private.CoreLib!*::*'); prepare=(self System.Private.CoreLib)
      for l in "${libraries[@]}"; do selectors+=("$l!*::*"); prepare+=("$l"); done ;;
    *) echo "unknown set '$name' (short, corelib, libraries, all)" >&2; exit 2 ;;
  esac
}

# Prints the summary of one probed run (report + log) as "key=value" lines and a table.
summarize() {
  python3 - "$1" "$2" <<'EOF'
import collections, json, sys
report_path, log_path = sys.argv[1], sys.argv[2]
try:
    report = json.load(open(report_path))
except Exception as e:
    print(f"  report: unreadable ({e})")
    sys.exit(0)
total, reasons = 0, collections.Counter()
for p in report["probes"]:
    refused = p.get("refused", [])
    r = collections.Counter(x.get("reason", "?").split(":")[0] for x in refused)
    reasons.update(r)
    total += len(p["methods"])
    detail = " ".join(f"{k}={v}" for k, v in sorted(r.items()))
    print(f"  {p['selector']:<60} {len(p['methods']):>6} instrumented {len(refused):>6} refused {detail}  calls={p.get('calls')}")
full = collections.Counter()
for p in report["probes"]:
    for x in p.get("refused", []):
        full[x.get("reason", "?")] += 1
print(f"  total: {total} instrumented, {sum(reasons.values())} refused: " +
      " ".join(f"{k}={v}" for k, v in sorted(reasons.items())))
for reason, n in full.most_common(8):
    print(f"    {n:>6}  {reason}")
log = open(log_path, errors="replace").read() if log_path else ""
print(f"  agent log: {log.count('ReJIT failed')} 'ReJIT failed', {log.count('not instrumenting ')} 'not instrumenting', "
      f"{log.count('error:')} error lines")
EOF
}

# run_case <dir> <selectors...> -- <prepare...>: 0 when the probed run behaves as the plain one.
run_case() {
  local dir=$1; shift
  local sel=() prep=()
  while [ "$1" != "--" ]; do sel+=("$1"); shift; done; shift
  prep=("$@")
  mkdir -p "$dir"
  local cmd=(dotnet "$app")
  for p in "${prep[@]}"; do cmd+=(--prepare "$p"); done
  local start end rc_plain rc_probed
  start=$(date +%s.%N)
  set +e
  "${cmd[@]}" > "$dir/plain.out" 2> "$dir/plain.err"; rc_plain=$?
  end=$(date +%s.%N)
  local args=(run --report "$dir/report.json" --log "$dir/agent.log")
  if [ ${#sel[@]} -gt 0 ] && [ -n "${probes_file:-}" ]; then
    printf '%s\n' "${sel[@]}" > "$dir/probes.txt"
    args+=(--probes-file "$dir/probes.txt")
  else
    for s in "${sel[@]}"; do args+=(--probe "$s"); done
  fi
  rm -f "$dir/report.json" "$dir/agent.log"
  local pstart pend
  pstart=$(date +%s.%N)
  "$clrprobe" "${args[@]}" -- "${cmd[@]}" > "$dir/probed.out" 2> "$dir/probed.err"; rc_probed=$?
  pend=$(date +%s.%N)
  set -e
  local problems=()
  [ "$rc_plain" = "$rc_probed" ] || problems+=("exit code $rc_plain -> $rc_probed")
  cmp -s "$dir/plain.out" "$dir/probed.out" || problems+=("output differs")
  # stdout carries the summary "prepare bad-il: InvalidProgramException=0 ..."; a failing
  # method is a "prepare bad-il <method>" line.
  if grep -qE '^prepare bad-il |Unhandled exception|Fatal error' "$dir/probed.out" ||
     grep -qE 'InvalidProgramException|BadImageFormatException|Unhandled exception|Fatal error' "$dir/probed.err"; then
    problems+=("bad IL or crash")
  fi
  local verdict=ok
  if [ ${#problems[@]} -gt 0 ]; then verdict=$(IFS=';'; echo "${problems[*]}"); fi
  awk -v a="$start" -v b="$end" -v c="$pstart" -v d="$pend" -v rp="$rc_plain" -v rq="$rc_probed" -v v="$verdict" \
    'BEGIN { printf "  plain %.1f s (exit %s), probed %.1f s (exit %s): %s\n", b - a, rp, d - c, rq, v }'
  grep -h '^prepare total' "$dir/probed.out" | sed 's/^/  /' || true
  if [ "$verdict" != ok ]; then
    diff "$dir/plain.out" "$dir/probed.out" | head -10 | sed 's/^/    /' || true
    tail -5 "$dir/probed.err" | sed 's/^/    stderr: /'
    return 1
  fi
  return 0
}

if [ -n "$bisect_file" ]; then
  [ ${#sets[@]} -gt 0 ] || { echo "--bisect needs the --prepare arguments of Everything" >&2; exit 2; }
  mapfile -t all_lines < <(grep -v '^\s*\(#\|$\)' "$bisect_file")
  probes_file=1
  round=0
  # bisect <lines...>: prints the failing minimal sets
  bisect() {
    local lines=("$@")
    round=$((round + 1))
    echo "bisect round $round: ${#lines[@]} selectors (${lines[0]} ... ${lines[-1]})"
    if run_case "$out/bisect-$round" "${lines[@]}" -- "${sets[@]}"; then return 1; fi
    if [ ${#lines[@]} -eq 1 ]; then
      echo "FAILING SELECTOR: ${lines[0]} (run: $out/bisect-$round)"
      return 0
    fi
    local half=$(( ${#lines[@]} / 2 ))
    local found=1
    bisect "${lines[@]:0:$half}" && found=0
    bisect "${lines[@]:$half}" && found=0
    if [ $found -ne 0 ]; then
      echo "FAILING SET (no half fails alone): ${#lines[@]} selectors, see $out/bisect-$round"
      return 0
    fi
    return 0
  }
  bisect "${all_lines[@]}" || echo "the whole selector list does not fail"
  exit 0
fi

[ ${#sets[@]} -gt 0 ] || sets=(short corelib libraries all)
failed=0
for name in "${sets[@]}"; do
  set_spec "$name"
  echo "== set $name: ${selectors[*]}"
  if ! run_case "$out/$name" "${selectors[@]}" -- "${prepare[@]}"; then failed=1; fi
  summarize "$out/$name/report.json" "$out/$name/agent.log"
  if [ -d "$CLRPROBE_RUNTIME_DIR" ]; then
    du -sh --apparent-size "$CLRPROBE_RUNTIME_DIR" 2>/dev/null | sed 's/^/  runtime dir (apparent): /'
    du -sh "$CLRPROBE_RUNTIME_DIR" 2>/dev/null | sed 's/^/  runtime dir (on disk):  /'
    rm -rf "$CLRPROBE_RUNTIME_DIR"
  fi
done
[ $failed -eq 0 ] && echo "instrument-everything: every set behaved exactly as without the agent" ||
  echo "instrument-everything: FAILURES (runs kept in $out)"
exit $failed
