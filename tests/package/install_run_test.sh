#!/usr/bin/env bash
# cmake --install into a fresh prefix, then a probed run from the installed
# files only: <prefix>/bin/clrprobe finds <prefix>/lib/clrprobe/libclrprobe.so
# by itself (no CLRPROBE_AGENT, run from another directory), and the report
# counts exactly the calls the program says it made.
#
# usage: install_run_test.sh BUILD_DIR DOTNET SCENARIOS_DLL
set -euo pipefail
build=$1 dotnet=$2 scenarios=$3
tmp=$(mktemp -d /tmp/clrprobe-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install_run_test: FAIL: $*" >&2; exit 1; }

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" --strip >/dev/null
for f in bin/clrprobe lib/clrprobe/libclrprobe.so lib/clrprobe/clrprobe-export share/doc/clrprobe/README.md; do
  [[ -f $prefix/$f ]] || fail "$f is not installed"
done
echo "installed: $(cd "$prefix" && find . -type f | sort | tr '\n' ' ')"

mkdir "$tmp/work" && cd "$tmp/work"
unset CLRPROBE_AGENT
export CLRPROBE_RUNTIME_DIR=$tmp/rt
# LD_DEBUG=files: proof of which agent file the dotnet process loaded.
LD_DEBUG=files LD_DEBUG_OUTPUT=$tmp/ld \
  "$prefix/bin/clrprobe" run --probe 'Scenarios.Calc::Add' --report r.json --log agent.log -- \
  "$dotnet" "$scenarios" static >out.txt 2>err.txt || fail "clrprobe run failed: $(tail -n 5 err.txt)"

grep -qs "file=$prefix/lib/clrprobe/libclrprobe.so " "$tmp"/ld.* || fail "the installed agent was not loaded"
if grep -qs "file=$build/lib/libclrprobe.so " "$tmp"/ld.*; then fail "the build tree's agent was loaded"; fi
expected=$(sed -n 's/^expected Scenarios.Calc::Add \([0-9]*\)$/\1/p' out.txt)
calls=$(sed -n 's/^ *"calls": \([0-9]*\),$/\1/p' r.json | head -n 1)
[[ -n $expected ]] || fail "the program printed no expected count: $(tail -n 3 out.txt)"
[[ $calls == "$expected" ]] || fail "report counts ${calls:-nothing} calls of Scenarios.Calc::Add, the program made $expected"
"$prefix/bin/clrprobe" report r.json | sed -n '4,5p'
echo "install_run_test: ok: installed clrprobe probed $calls/$expected calls"
