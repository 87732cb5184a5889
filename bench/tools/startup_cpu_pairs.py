#!/usr/bin/env python3
"""CPU time a profiler build adds to a .NET program's whole run, interleaved and paired.

  startup_cpu_pairs.py ROUNDS NAME,AGENT_SO[,VAR=VALUE...] [NAME,AGENT_SO,...] [--app DLL] [--vs A,B ...]

Each round runs the program once plainly and once per mode (order reversed every other round,
the first round discarded) and takes user+system CPU time from wait4's rusage. Printed per
mode: its median CPU and its difference with the plain run of the same round (mean, 95 %
interval of the mean, median); with --vs A,B also the paired difference of two modes (e.g. an
old and a new build of the agent). The agent is loaded as `clrprobe run` loads it (CORECLR_*);
set CLRPROBE_RUNTIME_DIR per mode to choose where it keeps its files (the directory must be
mode 0700, or the agent refuses its control socket). For issue 12 part 4 (BENCHMARKS.md).
"""
import math
import os
import statistics
import subprocess
import sys

CLSID = "{8f4e8a5c-3b6d-4c1e-9a77-5d2c1b0e9f31}"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def interval(diffs):
    m = statistics.mean(diffs)
    half = 1.97 * statistics.stdev(diffs) / math.sqrt(len(diffs))
    return f"mean {m:+.2f} ms (95 % CI {m - half:+.2f}..{m + half:+.2f}), median {statistics.median(diffs):+.2f}"


def main(argv):
    app = os.path.join(ROOT, "build", "bench-apps", "Hello", "Hello.dll")
    pairs, specs = [], []
    rounds = int(argv[0])
    rest = argv[1:]
    while rest:
        arg = rest.pop(0)
        if arg == "--app":
            app = rest.pop(0)
        elif arg == "--vs":
            pairs.append(rest.pop(0).split(","))
        else:
            specs.append(arg)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CORECLR_", "CLRPROBE_"))}
    base.update(DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
    modes = {"plain": base}
    for spec in specs:
        name, so, *settings = spec.split(",")
        env = dict(base, CORECLR_ENABLE_PROFILING="1", CORECLR_PROFILER=CLSID, CORECLR_PROFILER_PATH=so)
        env.update(dict(s.split("=", 1) for s in settings))
        modes[name] = env
    cpu = {k: [] for k in modes}
    for i in range(rounds + 1):
        for k in (list(modes) if i % 2 else list(reversed(modes))):
            p = subprocess.Popen(["dotnet", app], env=modes[k], stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(p.pid, 0)
            if status != 0:
                raise SystemExit(f"{k}: exit status {status}")
            if i > 0:
                cpu[k].append((usage.ru_utime + usage.ru_stime) * 1e3)
    print(f"plain: median CPU {statistics.median(cpu['plain']):.2f} ms ({rounds} rounds)")
    for k in list(modes)[1:]:
        diffs = [a - b for a, b in zip(cpu[k], cpu["plain"])]
        print(f"{k}: median CPU {statistics.median(cpu[k]):.2f} ms; added {interval(diffs)}")
    for a, b in pairs:
        print(f"{a} - {b}: {interval([x - y for x, y in zip(cpu[a], cpu[b])])}")


if __name__ == "__main__":
    main(sys.argv[1:])
