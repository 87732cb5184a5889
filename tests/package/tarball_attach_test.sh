#!/usr/bin/env bash
# The release tarball (CPack TGZ), unpacked into a directory of its own and
# run from yet another one: its clrprobe attaches to a .NET program started
# with plain `dotnet` (no clrprobe variables), adds a probe, and counts exactly
# the calls the program reports; then removes it. The program (LiveService)
# starts paused and runs a fixed number of iterations on command (stdin).
#
# usage: tarball_attach_test.sh BUILD_DIR DOTNET LIVESERVICE_DLL
set -euo pipefail
build=$1 dotnet=$2 service=$3
# Short: the agent's socket lives in the runtime directory (sockaddr_un limit).
tmp=$(mktemp -d /tmp/clrprobe-tgz-XXXXXX)
service_pid=""
cleanup() {
  if [[ -n $service_pid ]] && kill -0 "$service_pid" 2>/dev/null; then kill -KILL "$service_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "tarball_attach_test: FAIL: $*" >&2
  [[ -f $tmp/service.out ]] && tail -n 5 "$tmp/service.out" >&2
  [[ -f $tmp/agent.log ]] && tail -n 5 "$tmp/agent.log" >&2
  exit 1
}

cpack -G TGZ --config "$build/CPackConfig.cmake" -B "$tmp/pk" >"$tmp/cpack.log" 2>&1 || fail "cpack: $(tail -n 5 "$tmp/cpack.log")"
tarball=$(ls "$tmp"/pk/clrprobe-*-linux-x64.tar.gz) || fail "no clrprobe-<version>-linux-x64.tar.gz"
mkdir -p "$tmp/opt" "$tmp/cwd"
tar -xzf "$tarball" -C "$tmp/opt"
clrprobe=$(ls -d "$tmp"/opt/clrprobe-*-linux-x64)/bin/clrprobe
[[ -x $clrprobe ]] || fail "no bin/clrprobe in $(basename "$tarball")"
echo "unpacked $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB) into $tmp/opt"
cd "$tmp/cwd"
unset CLRPROBE_AGENT

# The program: plain dotnet, paused, commands on a FIFO held open by fd 3.
mkfifo "$tmp/in"
: >"$tmp/service.out" # exists before the poll below reads it, however late the child starts
exec 3<>"$tmp/in"
env -u CLRPROBE_RUNTIME_DIR "$dotnet" "$service" --paused <"$tmp/in" >"$tmp/service.out" 2>&1 &
service_pid=$!
pid=""
for _ in $(seq 1 300); do
  pid=$(sed -n 's/^ready pid=\([0-9]*\).*/\1/p' "$tmp/service.out")
  [[ -n $pid ]] && break
  kill -0 "$service_pid" 2>/dev/null || fail "LiveService exited"
  sleep 0.1
done
[[ -n $pid ]] || fail "LiveService did not start"

export CLRPROBE_RUNTIME_DIR=$tmp/rt
"$clrprobe" attach -p "$pid" --log "$tmp/agent.log" || fail "attach failed"
"$clrprobe" add -p "$pid" 'LiveService.Targets.Statics::Plain' || fail "add failed"

echo "run 50" >&3
line=""
for _ in $(seq 1 300); do
  line=$(grep -m1 '^paused iterations=' "$tmp/service.out" || true)
  [[ -n $line ]] && break
  sleep 0.1
done
[[ -n $line ]] || fail "LiveService did not report its calls"
expected=$(sed -n 's/.* LiveService\.Targets\.Statics::Plain=\([0-9]*\).*/\1/p' <<<"$line")
"$clrprobe" stats -p "$pid" --json >"$tmp/stats.json" || fail "stats failed"
calls=$(sed -n 's/^ *"calls": \([0-9]*\),$/\1/p' "$tmp/stats.json" | head -n 1)
[[ -n $expected && $calls == "$expected" ]] || fail "stats count ${calls:-nothing} calls, LiveService made ${expected:-?}"
"$clrprobe" remove -p "$pid" --all >/dev/null || fail "remove failed"

echo "stop" >&3
wait "$service_pid" || fail "LiveService exited with status $?"
service_pid=""
echo "tarball_attach_test: ok: unpacked clrprobe attached to pid $pid and counted $calls/$expected calls"
