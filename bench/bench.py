#!/usr/bin/env python3
"""clrprobe benchmarks: runs every measurement side by side in one run, prints a table,
writes bench/results.json and refreshes the generated block of BENCHMARKS.md.

Started by bench/run (which installs and builds what is needed); see BENCHMARKS.md.

  bench/bench.py --build-dir build-bench [--quick] [--only SECTION,... [--merge]] [--no-markdown]

Sections: machine, micro, percall, watch, async, rejit, startup, memory, load.
--only SECTION,... --merge: measures those sections only and writes their figures into
bench/results.json (every other figure kept; the run's date, load and commit are recorded
under partial_runs) and refreshes BENCHMARKS.md from it.
Figures are measured, never asserted: goals are reported as met / missed.
"""
import argparse
import datetime
import json
import os
import platform
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def summary(xs):
    """Median and spread of a list of samples."""
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return {"n": 0, "median": None}
    q = statistics.quantiles(xs, n=4) if len(xs) >= 2 else [xs[0], xs[0], xs[0]]
    return {"n": len(xs), "median": statistics.median(xs), "min": xs[0], "max": xs[-1],
            "p25": q[0], "p75": q[2]}


# Two-sided 95 % Student t quantiles by degrees of freedom (1..30); above, the normal 1.96.
T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
       2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
       2.045, 2.042]


def paired(diffs):
    """A variant's added cost from paired rounds (variant minus the baseline measured next to it
    in the same round, order alternating): mean, median, 95 % confidence interval of the mean."""
    n = len(diffs)
    if n == 0:
        return None
    mean = sum(diffs) / n
    if n == 1:
        return {"n": 1, "mean": rnd(mean), "median": rnd(mean), "ci95": [None, None]}
    sd = (sum((d - mean) ** 2 for d in diffs) / (n - 1)) ** 0.5
    half = (T95[n - 2] if n - 1 <= len(T95) else 1.96) * sd / n ** 0.5
    return {"n": n, "mean": rnd(mean), "median": rnd(median(diffs)), "ci95": [rnd(mean - half), rnd(mean + half)]}


def judge_added(p, limit):
    """Verdict on an added cost against `limit` (at most), from its confidence interval: met when
    the whole interval is at or below the limit, missed when it is wholly above, "inconclusive"
    when it straddles it; a negative estimate is "below resolution", never "met"."""
    if p is None or p["ci95"][0] is None:
        return "n/a"
    lo, hi = p["ci95"]
    if p["mean"] < 0:
        return "below resolution"
    if hi <= limit:
        return "met"
    if lo > limit:
        return "missed"
    return "inconclusive"


def rnd(x, nd=3):
    return None if x is None else round(x, nd)


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_breakdown_kb(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                for key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                    if line.startswith(key + ":"):
                        out[key] = int(line.split()[1])
    except OSError:
        pass
    return out


def allocation_estimate(bytes_per_call, types):
    """Bytes and estimated objects per call, from a type mix of allocation samples (each
    sample names the type of the object whose allocation crossed a ~100 KB mark, so a type's
    share of the samples estimates its share of the bytes). Types under 1 % of the samples
    are dropped: mostly the objects of the event listener itself."""
    total = sum(t["samples"] for t in types)
    kept = [t for t in types if t["samples"] >= 0.01 * total and t["size"] > 0]
    n = sum(t["samples"] for t in kept)
    per_type = {t["type"]: rnd(bytes_per_call * t["samples"] / n / t["size"], 3) for t in kept} if n else {}
    return {"bytes": rnd(bytes_per_call, 2), "objects": rnd(sum(per_type.values()), 2), "types": per_type}


def cpu_ms_precise(pid):
    """CPU time of a live process in ms from the scheduler's per-thread nanosecond counters
    (/proc/PID/task/*/schedstat, first field): a 10 ms tick is too coarse for a few ms added to a
    start. Threads that already exited are not counted (the same for every mode compared)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e6


def cpu_ms(pid):
    """user + system CPU time of a live process, from /proc (clock ticks)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- processes

class LineProcess:
    """A child process driven by commands on stdin, answering one line per command."""

    def __init__(self, argv, env, name, stderr_path):
        self.name = name
        self.calls_made = {}  # measure kind -> calls made by every measurement of that kind
        self._stderr = open(stderr_path, "w")
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._stderr, text=True, bufsize=1)
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        ready = self.readline(120)
        m = re.match(r"ready pid=(\d+)", ready or "")
        if not m:
            self.kill()
            raise RuntimeError(f"{name}: no 'ready' line (got {ready!r}); see {stderr_path}")
        self.pid = int(m.group(1))

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def readline(self, timeout):
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def cmd(self, text, timeout=300):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        line = self.readline(timeout)
        if line is None or line.startswith("error"):
            raise RuntimeError(f"{self.name}: '{text}' -> {line!r}")
        return line

    def measure_fields(self, kind, threads, ms):
        """Every field of a measurement: calls, ns_per_call, wall_ns_per_call, bytes_per_call.
        The calls are summed per kind (calls_made), so a probe's count can be checked against
        the calls the program really made."""
        line = self.cmd(f"measure {kind} {threads} {ms}")
        fields = {k: float(v) for k, v in (kv.split("=", 1) for kv in line.split()[1:]) if k != "kind"}
        self.calls_made[kind] = self.calls_made.get(kind, 0) + int(fields.get("calls", 0))
        return fields

    def measure(self, kind, threads, ms):
        fields = self.measure_fields(kind, threads, ms)
        return fields["ns_per_call"], fields["wall_ns_per_call"]

    def quit(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=30)
        except Exception:
            self.kill()
        self._stderr.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build_dir)
        self.cli = os.path.join(self.build, "bin", "clrprobe")
        self.agent = os.path.join(self.build, "lib", "libclrprobe.so")
        self.rejit_tool = os.path.join(self.build, "bin", "rejit_latency")
        self.micro = os.path.join(self.build, "bin", "hit_path_bench")
        self.apps = os.path.join(self.build, "bench-apps")
        self.dotnet = shutil.which("dotnet")
        self.work = tempfile.mkdtemp(prefix="clrprobe-bench-")
        self.rtdir = os.path.join(self.work, "rt")
        os.mkdir(self.rtdir, 0o700)
        self.base_env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1",
                             CLRPROBE_RUNTIME_DIR=self.rtdir)
        for k in list(self.base_env):
            if k.startswith("CORECLR_") or (k.startswith("CLRPROBE_") and k != "CLRPROBE_RUNTIME_DIR"):
                del self.base_env[k]
        self.profiler_env = self._profiler_env()
        self.results = {}
        self.notes = []
        self.quick = args.quick

    # What `clrprobe run` sets for its child, learnt by running `env` under it.
    def _profiler_env(self):
        out = subprocess.run([self.cli, "run", "--", "env"], env=self.base_env, capture_output=True,
                             text=True, check=True).stdout
        env = {}
        for line in out.splitlines():
            k, _, v = line.partition("=")
            if (k.startswith("CORECLR_") or k.startswith("CLRPROBE_")) and k not in self.base_env:
                env[k] = v
        if "CORECLR_PROFILER_PATH" not in env:
            raise RuntimeError("clrprobe run did not set CORECLR_PROFILER_PATH")
        env.pop("CLRPROBE_PROBES", None)
        return env

    def env(self, agent, probes=None, log_name=None):
        env = dict(self.base_env)
        if agent:
            env.update(self.profiler_env)
            if probes:
                env["CLRPROBE_PROBES"] = ";".join(probes)
            if log_name:
                env["CLRPROBE_LOG"] = os.path.join(self.work, log_name)
        return env

    def app(self, name):
        return os.path.join(self.apps, name, name + ".dll")

    def start_callbench(self, agent, name, extra_env=None):
        env = dict(self.env(agent, log_name=f"{name}.agent.log"), **(extra_env or {}))
        return LineProcess([self.dotnet, self.app("CallBench")], env, name, os.path.join(self.work, f"{name}.stderr"))

    def clrprobe(self, *argv, check=True):
        r = subprocess.run([self.cli, *argv], env=self.base_env, capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError(f"clrprobe {' '.join(argv)} exited {r.returncode}: {r.stdout} {r.stderr}")
        return r

    def add_probe(self, pid, selector, *extra):
        r = self.clrprobe("add", "-p", str(pid), selector, "--json", *extra)
        return json.loads(r.stdout)["probe"]

    def remove_probe(self, pid, probe_id):
        t0 = time.perf_counter()
        self.clrprobe("remove", "-p", str(pid), str(probe_id))
        return (time.perf_counter() - t0) * 1e3

    def probe_stats(self, pid):
        r = self.clrprobe("stats", "-p", str(pid), "--json")
        return json.loads(r.stdout)

    def rejit_latency(self, pid, selector, max_methods=None, direct=False):
        # direct: the add request sent to the control socket by the tool itself, no CLI process.
        via = ["--socket", os.path.join(self.rtdir, f"{pid}.sock")] if direct else ["--cli", self.cli]
        argv = [self.rejit_tool, *via, "--pid", str(pid),
                "--stats", os.path.join(self.rtdir, f"{pid}.stats"), "--selector", selector]
        if max_methods:
            argv += ["--max-methods", str(max_methods)]
        r = subprocess.run(argv, env=self.base_env, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"rejit_latency {selector}: {r.stdout} {r.stderr}")
        return json.loads(r.stdout)

    def cleanup_runtime_files(self, pid):
        for suffix in (".stats", ".sock", ".probes.json"):
            try:
                os.unlink(os.path.join(self.rtdir, f"{pid}{suffix}"))
            except OSError:
                pass

    # ------------------------------------------------------------------- sections

    def machine(self):
        info = {"date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in lscpu.splitlines():
            k, _, v = line.partition(":")
            if k.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "Hypervisor vendor"):
                info[k.strip().lower().replace(" ", "_").replace("(s)", "s")] = v.strip()
        info["nproc"] = os.cpu_count()
        with open("/proc/meminfo") as f:
            info["mem_total_kb"] = int(f.readline().split()[1])
        info["kernel"] = platform.release()
        try:
            with open("/sys/devices/system/clocksource/clocksource0/current_clocksource") as f:
                info["clocksource"] = f.read().strip()
        except OSError:
            pass
        info["dotnet_sdk"] = subprocess.run([self.dotnet, "--version"], capture_output=True, text=True).stdout.strip()
        runtimes = subprocess.run([self.dotnet, "--list-runtimes"], capture_output=True, text=True).stdout
        info["dotnet_runtimes"] = [l.split(" [")[0] for l in runtimes.splitlines()]
        info["load_average_start"] = list(os.getloadavg())
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src"], capture_output=True, text=True)
        info["git_head"] = head.stdout.strip() + ("+uncommitted src changes" if dirty.stdout.strip() else "")
        self.results["machine"] = info

    def micro_bench(self):
        log("micro: native hit path (hit_path_bench)")
        r = subprocess.run([self.micro, "--benchmark_min_time=0.2", "--benchmark_format=json"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            self.notes.append(f"hit_path_bench failed: {r.stderr.strip()[:200]}")
            return
        data = json.loads(r.stdout)
        out = {}
        for b in data["benchmarks"]:
            # cpu_time is per iteration and per thread.
            out[b["name"]] = rnd(b["cpu_time"], 2)
        self.results["native_hit_path_ns"] = out

    def percall(self):
        # 9 rounds: the count, sampled and removed-probe goals are a few ns or less.
        reps = 3 if self.quick else 9
        ms = 200 if self.quick else 300
        log(f"per call: {reps} rounds x {ms} ms CPU per measurement, 1 and 2 threads")
        a = self.start_callbench(False, "callbench-noagent")
        b = self.start_callbench(True, "callbench-agent")
        # The agent's diagnostic switch CLRPROBE_GC_TRANSITION=1: hooks keep the GC transition
        # (no SuppressGCTransition modopt), to show what that modopt saves.
        g = self.start_callbench(True, "callbench-agent-gc", {"CLRPROBE_GC_TRANSITION": "1"})
        samples = {}  # (variant, threads) -> [ns]
        wall = {}
        pairs = {}  # (variant, threads) -> [variant ns - baseline ns of the same round]
        checks = {}  # probe variant -> did each of its probes count exactly the calls made while in place
        target = "CallBench!CallBench.Target::Work"

        def put(variant, threads, value):
            samples.setdefault((variant, threads), []).append(value[0])
            wall.setdefault((variant, threads), []).append(value[1])

        def pair(variant, threads, value, base):
            pairs.setdefault((variant, threads), []).append(value[0] - base[0])

        try:
            for p in (a, b, g):  # warm-up: tiering (tier-0 -> OSR -> tier-1) settles
                p.measure("plain", 1, 500)
                p.measure("plain", 2, 300)
                p.measure("plain", 1, 300)
            self.results.setdefault("memory_kb", {})["callbench_idle"] = {
                "no_agent": rss_breakdown_kb(a.pid), "agent_no_probe": rss_breakdown_kb(b.pid)}
            a.cmd("otel")
            a.measure("manual", 1, 500)
            a.measure("manual", 2, 300)

            # Across processes (the agent loaded or not; the hand-written code and the callis, which
            # live in the process without the agent): in each round the baseline and the variants are
            # measured one after the other, in an order that reverses every round, and a variant's
            # added cost is its difference to the baseline of the same round.
            for r in range(reps):
                for threads in (1, 2):
                    order = [("baseline", a, "plain"), ("agent_no_probe", b, "plain"), ("manual_otel", a, "manual")]
                    if threads == 1:  # what one hit-path calli costs, with and without the GC transition
                        order += [("calli_gc_transition", a, "native"), ("calli_suppress_gc_transition", a, "native_suppress")]
                    if r % 2:
                        order.reverse()
                    got = {name: proc.measure(kind, threads, ms) for name, proc, kind in order}
                    for name, value in got.items():
                        put(name, threads, value)
                        if name != "baseline":
                            pair(name, threads, value, got["baseline"])

            # A probe's cost within its own process: each round adds the probe (a new ReJIT, so
            # a new placement of the instrumented code: rounds sample the code layouts a user
            # gets, instead of one layout deciding the run), lets the new code tier up, measures
            # it, and gives the original code back (`remove --revert`), which is the round's
            # baseline: the same loop in the same process. The order alternates every round.
            help_text = self.clrprobe("add", "--help").stdout

            def measure_both(proc):
                return {t: proc.measure("plain", t, ms) for t in (1, 2)}

            def probe_rounds(variant, proc, add_args, disarm=False, rounds=reps):
                ok = True
                counted_total = made_total = 0
                for r in range(rounds):
                    base = measure_both(proc) if r % 2 == 0 else None
                    made_before = proc.calls_made.get("plain", 0)
                    probe = self.add_probe(proc.pid, target, *add_args)
                    proc.measure("plain", 1, 500)  # the re-jitted code tiers up
                    proc.measure("plain", 2, 300)
                    if disarm:
                        self.remove_probe(proc.pid, probe["id"])
                    made_armed = proc.calls_made.get("plain", 0) - made_before
                    got = measure_both(proc)
                    if not disarm:
                        made_armed = proc.calls_made.get("plain", 0) - made_before
                    entry = next((x for x in self.probe_stats(proc.pid)["probes"] if x["id"] == probe["id"]), {})
                    counted = entry.get("calls")
                    ok = ok and bool(entry.get("methods")) and counted == made_armed and made_armed > 0
                    counted_total += counted or 0
                    made_total += made_armed
                    # Re-arm (a disarmed probe's methods) and give the original code back.
                    if disarm:
                        probe = self.add_probe(proc.pid, target, *add_args)
                    self.clrprobe("remove", "-p", str(proc.pid), str(probe["id"]), "--revert")
                    if base is None:
                        proc.measure("plain", 1, 200)  # settle after the revert
                        base = measure_both(proc)
                    for t in (1, 2):
                        put(f"{variant}_baseline", t, base[t])
                        put(variant, t, got[t])
                        pair(variant, t, got[t], base[t])
                checks[variant] = {"rounds": rounds, "calls_made": made_total, "calls_counted": counted_total,
                                   "ok": ok}

            kind_opt = re.search(r"--kind\b", help_text) is not None
            if kind_opt:
                probe_rounds("count_probe", b, ["--kind", "count"])
            else:
                self.notes.append("count_probe: `clrprobe add --help` offers no --kind: not measured (null).")
            if re.search(r"--sample\b", help_text):
                probe_rounds("sampled_probe", b, ["--kind", "sampled", "--sample", "64"])
            else:
                self.notes.append("sampled_probe: `clrprobe add --help` offers no --sample: not measured (null).")
            probe_rounds("full_probe", b, [])
            probe_rounds("full_probe_gc_transition", g, [])
            # Twice the rounds: its goal (≤ 0.5 ns) is the smallest, and 9 rounds left the
            # interval (about ±0.25 ns) straddling it in some runs.
            probe_rounds("after_remove", b, [], disarm=True, rounds=2 * reps)
            st = self.probe_stats(b.pid)
            last_full = [p for p in st["probes"] if p.get("calls")]
            lat = last_full[-1].get("latency_ns") if last_full else None
        finally:
            for p in (a, b, g):
                p.quit()
            self.cleanup_runtime_files(b.pid)
            self.cleanup_runtime_files(g.pid)

        variants = ("agent_no_probe", "count_probe", "sampled_probe", "full_probe", "after_remove", "manual_otel",
                    "full_probe_gc_transition", "calli_gc_transition", "calli_suppress_gc_transition")

        def table(threads):
            out = {}
            for v in ("baseline",) + variants:
                if threads == 1 or not v.startswith("calli"):
                    out[v] = rnd(median(samples.get((v, threads), [])))
            # The baseline each probe row was paired with: the same loop in the agent's process.
            out["baseline_same_process"] = rnd(median(samples.get(("full_probe_baseline", threads), [])))
            return out

        one, two = table(1), table(2)
        self.results["per_call_ns"] = one
        self.results["per_call_ns_2_threads"] = two

        def derived(t, threads):
            base = t["baseline"]
            d = {}
            for v in variants:
                if v in t:  # the paired estimate: median of the per-round differences
                    pr = paired(pairs.get((v, threads), []))
                    d[v] = pr["median"] if pr and t[v] is not None else None
            d["agent_no_probe_throughput_loss_pct"] = rnd(d["agent_no_probe"] / base * 100, 2)
            d["after_remove_vs_baseline_pct"] = rnd(d["after_remove"] / t["baseline_same_process"] * 100, 2)
            if d.get("manual_otel"):
                d["full_over_manual_added_ratio"] = rnd(d["full_probe"] / d["manual_otel"], 3)
                d["full_over_manual_total_ratio"] = rnd(t["full_probe"] / t["manual_otel"], 3)
            return d

        self.results["per_call_added_ns"] = derived(one, 1)
        self.results["per_call_added_ns_2_threads"] = derived(two, 2)
        self.results["per_call_paired"] = {
            v: {f"{threads}t": paired(pairs.get((v, threads), [])) for threads in (1, 2)
                if (v, threads) in pairs} for v in variants}
        self.results["per_call_probe_check"] = checks
        base_s = summary(samples[("baseline", 1)])
        self.results["per_call_detail"] = {
            "method": "CallBench.Target::Work(int32) => x * 31 + 7, [NoInlining], called in a tight loop",
            "calli": "calli_*: a method of the same shape whose body calls libc abs() through "
                     "delegate* unmanaged[Cdecl] (calli_gc_transition) or delegate* unmanaged[Cdecl, "
                     "SuppressGCTransition]; instrumented methods make two such callis per call",
            "unit": "ns of thread CPU time per call (clock_gettime(CLOCK_THREAD_CPUTIME_ID)); "
                    "per_call_ns: medians over repetitions; added costs (per_call_added_ns, per_call_paired): "
                    "per round, variant minus the baseline measured next to it (order alternating every "
                    "round), median and 95 % t-interval of the mean over rounds; 2 threads: per thread",
            "pairing": "agent_no_probe, manual_otel, calli_*: against the process without the agent; "
                       "count/sampled/full probe, full_probe_gc_transition, after_remove: within the "
                       "agent's process, each round a new `add` (a new ReJIT, so a new code placement) "
                       "against the original code given back by `remove --revert` (after_remove: the "
                       "probe added, then removed, so its code is disarmed)",
            "repetitions": reps, "ms_cpu_per_measurement": ms,
            "baseline_noise_pct": rnd((base_s["p75"] - base_s["p25"]) / base_s["median"] * 100, 2),
            "samples_ns": {f"{v}/{t}t": [rnd(x) for x in xs] for (v, t), xs in sorted(samples.items())},
            "wall_ns_median": {f"{v}/{t}t": rnd(median(xs)) for (v, t), xs in sorted(wall.items())},
            "full_probe_latency_ns": lat,
        }

    WATCHED = "CallBench!CallBench.Target::Pair"

    def watch_cost(self):
        """Issue 15: what a watch whose condition is never true adds per call, with --args on a
        two-argument method (CallBench.Target::Pair), next to a full probe on the same method:
        paired rounds (no agent / watched / probed, order alternating), 1 thread. Valid only when
        the watch's probe counted every call made while it was in place and printed no event."""
        # More rounds than the per-call section: the goal is a difference of two added costs
        # (watch minus full probe), whose interval is the wider of the two.
        reps = 5 if self.quick else 9
        ms = 200 if self.quick else 300
        log(f"watch: {reps} repetitions x {ms} ms CPU per measurement, a false condition on {self.WATCHED}")
        a = self.start_callbench(False, "callbench-watch-noagent")
        b = self.start_callbench(True, "callbench-watch-agent")
        c = self.start_callbench(True, "callbench-watch-probe")
        watcher = None
        pairs, checks = {}, {}
        try:
            for p in (a, b, c):
                p.measure("pair", 1, 500)
                p.measure("pair", 1, 300)
            watcher = subprocess.Popen(
                [self.cli, "watch", "-p", str(b.pid), self.WATCHED, "--args", "--when", "x < 0", "--count", "1",
                 "--duration", "3600s", "--max-overhead", "100"], env=self.base_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            started = time.monotonic()
            header = ""
            while "watching" not in header and time.monotonic() - started < 60:  # the agent has re-jitted
                line = watcher.stderr.readline()
                if not line:
                    break
                header += line
            if "watching 1 method" not in header:
                raise RuntimeError(f"watch did not start: {header!r}")
            probe = self.add_probe(c.pid, self.WATCHED)
            made_before = {b: b.calls_made.get("pair", 0), c: c.calls_made.get("pair", 0)}
            for p in (b, c):
                p.measure("pair", 1, 500)  # the re-jitted code tiers up
            for r in range(reps):
                order = [("baseline", a), ("watch_false_condition", b), ("full_probe_pair", c)]
                if r % 2:
                    order.reverse()
                got = {name: proc.measure("pair", 1, ms)[0] for name, proc in order}
                for name, value in got.items():
                    if name != "baseline":
                        pairs.setdefault(name, []).append(value - got["baseline"])
            stats = self.probe_stats(b.pid)
            entry = next((e for e in stats["probes"] if e.get("selector") == self.WATCHED), {})
            made = b.calls_made.get("pair", 0) - made_before[b]
            checks["watch_false_condition"] = {"calls_made": made, "calls_counted": entry.get("calls"),
                                               "ok": made > 0 and entry.get("calls") == made}
            stats = self.probe_stats(c.pid)
            entry = next((e for e in stats["probes"] if e.get("id") == probe["id"]), {})
            made = c.calls_made.get("pair", 0) - made_before[c]
            checks["full_probe_pair"] = {"calls_made": made, "calls_counted": entry.get("calls"),
                                         "ok": made > 0 and entry.get("calls") == made}
        finally:
            if watcher is not None:
                watcher.send_signal(signal.SIGINT)  # the watch removes its instrumentation
                try:
                    out, _ = watcher.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    watcher.kill()
                    out = ""
                checks.setdefault("watch_false_condition", {})["events_printed"] = out.count("\n")
            for p in (a, b, c):
                p.quit()
            self.cleanup_runtime_files(b.pid)
            self.cleanup_runtime_files(c.pid)
        w = checks.get("watch_false_condition", {})
        w["ok"] = bool(w.get("ok")) and w.get("events_printed") == 0
        added = {name: paired(d) for name, d in pairs.items()}
        # The goal is relative to the full probe: judged on the per-round difference between them.
        over_full = paired([w - f for w, f in zip(pairs.get("watch_false_condition", []),
                                                   pairs.get("full_probe_pair", []))])
        self.results.setdefault("per_call_added_ns", {})["watch_false_condition"] = \
            (added.get("watch_false_condition") or {}).get("median")
        self.results["watch_cost"] = {
            "method": "CallBench.Target::Pair(int32 x, int64 y) => x * 31 + (int)y, [NoInlining], tight loop",
            "watch": f"clrprobe watch -p PID {self.WATCHED} --args --when 'x < 0' (never true) --max-overhead 100 "
                     "(a tight loop is far over the default 2 % budget, which would suspend the watch)",
            "paired_1t": added, "watch_minus_full_probe": over_full, "check": checks, "repetitions": reps,
            "ms_cpu_per_measurement": ms}

    # The async rows: what a probe adds to a task-returning method, measured to the completion
    # of its task. Kind (CallBench `measure` command) -> the method probed for it; plain is
    # Target::Work, the full probe of the per-call section, as a reference in the same processes.
    ASYNC_PROBES = {"plain": "CallBench!CallBench.Target::Work",
                    "async_sync": "CallBench!CallBench.AsyncTarget::SyncCompleted",
                    "yielding": "CallBench!CallBench.AsyncTarget::Yielding"}
    ASYNC_ROWS = {"plain": "full_probe_reference", "async_sync": "async_sync_completed",
                  "yielding": "async_yielding", "manual_yielding": "async_yielding"}

    def async_calls(self):
        reps = 4 if self.quick else 7  # the yielding figures spread more than the per-call ones
        ms = 200 if self.quick else 300
        log(f"async: {reps} repetitions x {ms} ms CPU per measurement (1 thread / 1 async chain), allocations")
        a = self.start_callbench(False, "callbench-async-noagent")
        b = self.start_callbench(True, "callbench-async-agent")
        warm_ms = {"plain": 500, "async_sync": 500, "yielding": 1500, "manual_yielding": 1500}  # tiering settles
        made = dict.fromkeys(self.ASYNC_PROBES, 0)  # calls b made since its probes were added
        samples = {}  # (variant, row) -> [measurement fields]
        type_samples = {}  # (variant, row) -> the alloc-types reply
        order = [x for k in self.ASYNC_PROBES for x in (("unprobed", a, k), ("probed", b, k))]
        order.append(("manual_otel", a, "manual_yielding"))

        def run(variant, proc, kind, ms, keep=True):
            f = proc.measure_fields(kind, 1, ms)
            if proc is b:
                made[kind] += int(f["calls"])
            if keep:
                samples.setdefault((variant, self.ASYNC_ROWS[kind]), []).append(f)

        try:
            for k in self.ASYNC_PROBES:
                run("unprobed", a, k, warm_ms[k], keep=False)
            a.cmd("otel")
            run("manual_otel", a, "manual_yielding", warm_ms["manual_yielding"], keep=False)
            probes = {k: self.add_probe(b.pid, sel) for k, sel in self.ASYNC_PROBES.items()}
            for k in self.ASYNC_PROBES:  # the re-jitted code tiers up (these calls count too)
                run("probed", b, k, warm_ms[k], keep=False)
            for r in range(reps):
                for variant, proc, kind in (order if r % 2 == 0 else order[::-1]):
                    run(variant, proc, kind, ms)
            for variant, proc, kind in order:
                if kind != "plain":
                    reply = json.loads(proc.cmd(f"alloc-types {kind} {ms}").split(" ", 1)[1])
                    type_samples[(variant, self.ASYNC_ROWS[kind])] = reply
                    if proc is b:
                        made[kind] += reply["calls"]
            st = self.probe_stats(b.pid)
        finally:
            for p in (a, b):
                p.quit()
            self.cleanup_runtime_files(b.pid)

        def med(variant, row, field):
            return median([f[field] for f in samples.get((variant, row), [])])

        ns, added, check = {}, {}, {}
        for (variant, row) in samples:
            ns.setdefault(row, {})[variant] = rnd(med(variant, row, "ns_per_call"))
        for row, v in ns.items():
            for variant in ("probed", "manual_otel"):
                if variant in v:
                    key = row + ("_manual_otel" if variant == "manual_otel" else "")
                    added[key] = rnd(v[variant] - v["unprobed"])
        for kind, probe in probes.items():
            p = next((x for x in st["probes"] if x["id"] == probe["id"]), {})
            methods = p.get("method_details", [])
            c = {"calls_made": made[kind], "calls_counted": p.get("calls"), "in_flight": p.get("in_flight"),
                 "latency_p50_ns": (p.get("latency_ns") or {}).get("p50"), "methods": p.get("methods"),
                 "measured_to_completion": bool(methods) and all(m.get("async") for m in methods)}
            ok = c["calls_counted"] == c["calls_made"] and (c["latency_p50_ns"] or 0) > 0 and len(methods) == 1
            if kind != "plain":
                ok = ok and c["in_flight"] == 0 and c["measured_to_completion"]
            c["ok"] = ok
            check[self.ASYNC_ROWS[kind]] = c
            if not ok:
                self.notes.append(f"async: the probe on {self.ASYNC_PROBES[kind]} did not count as expected: {c}")

        allocations = {}
        for (variant, row), reply in sorted(type_samples.items()):
            allocations.setdefault(row, {})[variant] = allocation_estimate(med(variant, row, "bytes_per_call"),
                                                                           reply["types"])
        for row, v in allocations.items():
            for variant in ("probed", "manual_otel"):
                if variant in v:
                    v[variant + "_added"] = {k: rnd(v[variant][k] - v["unprobed"][k], 2) for k in ("bytes", "objects")}

        self.results.setdefault("per_call_added_ns", {}).update(
            {k: v for k, v in added.items() if k != "full_probe_reference"})
        self.results["allocations_per_call"] = allocations
        self.results["async_per_call"] = {
            "ns": ns, "added_ns": added, "probe_check": check,
            "wall_ns_median": {f"{row}/{variant}": rnd(med(variant, row, "wall_ns_per_call"))
                               for (variant, row) in samples},
        }
        self.results["async_detail"] = {
            "methods": "AsyncTarget::SyncCompleted(int) => async, `if (x < 0) await Task.Yield(); return x + 1;` "
                       "(never awaits here; its Task<int> is complete on return); AsyncTarget::Yielding(int): "
                       "`await Task.Yield(); return x + 1;`; Manual::YieldingAsync: the same with Stopwatch."
                       "GetTimestamp at the call, a Counter<long> for calls, one for exceptions and the "
                       "elapsed time recorded into a Histogram<double> in the finally block that runs after "
                       "the await (the method's continuation), an OpenTelemetry 1.20.1 MeterProvider listening",
            "unit": "full_probe_reference and async_sync_completed: ns of thread CPU time per call, a tight loop "
                    "reading each task's result on one thread; async_yielding: ns of process CPU time (every "
                    "thread: thread pool, GC) per call, one async loop on the thread pool awaiting each call; "
                    "medians over repetitions, the variants interleaved",
            "processes": "unprobed and hand-written: CallBench without agent; probed: CallBench with the agent, "
                         "one probe per method added live with `clrprobe add`",
            "allocations": "bytes: GC.GetTotalAllocatedBytes(precise) over each measurement / calls (median); "
                           "objects: estimated from the types of the runtime's GCAllocationTick samples "
                           "(one per ~100 KB allocated) in one extra measurement per variant: bytes per call x "
                           "a type's share of the samples / its size, types under 1 % of the samples dropped",
            "repetitions": reps, "ms_cpu_per_measurement": ms,
            "samples_ns": {f"{row}/{variant}": [rnd(f["ns_per_call"]) for f in fs]
                           for (variant, row), fs in sorted(samples.items())},
            "allocation_type_samples": {f"{row}/{variant}": reply["types"]
                                        for (variant, row), reply in sorted(type_samples.items())},
        }

    def rejit(self):
        log("rejit: add latency for 1, 100 and 1000 methods")
        c = self.start_callbench(True, "callbench-rejit")
        res = {}
        try:
            c.cmd("spin gen 1")
            time.sleep(2.0)  # the generated methods get called and tier up
            n1 = 5 if self.quick else 10
            cold, readd, readd_direct, rm1 = [], [], [], []
            for i in range(n1):
                r = self.rejit_latency(c.pid, f"CallBench!Bench.Solo::S{i:02d}")
                cold.append(r)
                rm1.append(self.remove_probe(c.pid, r["probe_id"]))
            for i in range(2 * n1):  # re-adds through the CLI and straight to the socket, alternating
                direct = i % 2 == 1
                r = self.rejit_latency(c.pid, "CallBench!Bench.Solo::S00", direct=direct)
                (readd_direct if direct else readd).append(r)
                rm1.append(self.remove_probe(c.pid, r["probe_id"]))
            n100 = 3 if self.quick else 5
            h_cold, h_readd, rm100 = [], [], []
            for i in range(n100):
                r = self.rejit_latency(c.pid, f"CallBench!Bench.GenB::M0{i}*")
                assert r["methods"] == 100, r
                h_cold.append(r)
                rm100.append(self.remove_probe(c.pid, r["probe_id"]))
            for i in range(3):
                r = self.rejit_latency(c.pid, "CallBench!Bench.GenB::M00*")
                h_readd.append(r)
                rm100.append(self.remove_probe(c.pid, r["probe_id"]))
            k_runs, rm1000 = [], []
            for i in range(2 if self.quick else 3):
                r = self.rejit_latency(c.pid, "CallBench!Bench.GenA::M*", max_methods=1000)
                assert r["methods"] == 1000, r
                k_runs.append(r)
                rm1000.append(self.remove_probe(c.pid, r["probe_id"]))
            lists = []
            for i in range(10):  # the fixed cost of one CLI request (process start, socket, reply)
                t0 = time.perf_counter()
                self.clrprobe("list", "-p", str(c.pid), "--json")
                lists.append((time.perf_counter() - t0) * 1e3)
            res["cli_list_roundtrip"] = rnd(median(lists))
            versions = []
            for i in range(10):  # the CLI's process start alone (dynamic loading of its libraries)
                t0 = time.perf_counter()
                self.clrprobe("--version")
                versions.append((time.perf_counter() - t0) * 1e3)
            res["cli_version"] = rnd(median(versions))
            c.cmd("stop-spin")
        finally:
            c.quit()
            self.cleanup_runtime_files(c.pid)

        def m(rs, key):
            return rnd(median([r.get(key) for r in rs]))

        res["one_method_add"] = m(cold, "add_ms")
        res["one_method_first_call_after_add"] = m(cold, "first_after_add_ms")
        res["one_method_first_call_since_add_started"] = m(cold, "first_since_start_ms")
        res["one_method_readd_add"] = m(readd, "add_ms")
        res["one_method_readd_first_call_after_add"] = m(readd, "first_after_add_ms")
        # The re-add goal (≤ 1 ms) judged honestly: from the start of `add`, as the cold add.
        # After `add` exits the figure is negative (re-armed before the CLI printed), so says nothing.
        res["one_method_readd_first_call_since_add_started"] = m(readd, "first_since_start_ms")
        # The re-add itself: from the moment a client connects to the control socket to send the
        # request (no CLI process start, whose cost is cli_version and the CLI-start goal's).
        res["one_method_readd_first_call_since_request"] = m(readd_direct, "first_since_start_ms")
        res["one_method_readd_request_reply"] = m(readd_direct, "add_ms")
        res["one_method_readd_first_call_since_request_range"] = [
            rnd(min(r["first_since_start_ms"] for r in readd_direct)),
            rnd(max(r["first_since_start_ms"] for r in readd_direct))]
        res["one_method_remove"] = rnd(median(rm1))
        res["hundred_methods_add"] = m(h_cold, "add_ms")
        res["hundred_methods_all_counted_after_add"] = m(h_cold, "all_after_add_ms")
        res["hundred_methods_all_counted_since_add_started"] = m(h_cold, "all_since_start_ms")
        res["hundred_methods_add_per_method"] = rnd(m(h_cold, "add_ms") / 100, 4)
        res["hundred_methods_readd_add"] = m(h_readd, "add_ms")
        res["hundred_methods_remove"] = rnd(median(rm100))
        res["thousand_methods_add"] = rnd(k_runs[0]["add_ms"])
        res["thousand_methods_all_counted_after_add"] = rnd(k_runs[0].get("all_after_add_ms"))
        res["thousand_methods_all_counted_since_add_started"] = rnd(k_runs[0].get("all_since_start_ms"))
        res["thousand_methods_add_per_method"] = rnd(k_runs[0]["add_ms"] / 1000, 4)
        res["thousand_methods_readd_add"] = m(k_runs[1:], "add_ms")
        res["thousand_methods_readd_all_counted_after_add"] = m(k_runs[1:], "all_after_add_ms")
        res["thousand_methods_remove"] = rnd(median(rm1000))
        self.results["rejit_latency_ms"] = res
        self.results["rejit_detail"] = {
            "how": "rejit_latency runs `clrprobe add --json` and polls the calls counters of the stats "
                   "region every ~70 us (20 us + the timer slack; a first count is seen up to that late) while CallBench calls every generated method in a loop "
                   "(spin gen, 1 thread); *_after_add: from `clrprobe add` exiting; add: wall time of "
                   "the `clrprobe add` process (CLI start, request, agent reply); readd_*_since_request "
                   "(direct samples): rejit_latency sends the same add request to the control socket itself, "
                   "timed from its connect; alternating with the re-adds through the CLI",
            "one_method_cold_samples": cold, "one_method_readd_samples": readd,
            "one_method_readd_direct_samples": readd_direct,
            "hundred_cold_samples": h_cold, "hundred_readd_samples": h_readd, "thousand_samples": k_runs,
        }

    def free_port(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def http_status(self, port, path, timeout=1.0):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                data = s.recv(64)
                return int(data.split()[1]) if data.startswith(b"HTTP/") else None
        except OSError:
            return None

    def start_minimal_api(self, env, port):
        env = dict(env, ASPNETCORE_URLS=f"http://127.0.0.1:{port}", Logging__LogLevel__Default="Warning",
                   DOTNET_GENERATE_ASPNET_CERTIFICATE="false")
        return subprocess.Popen([self.dotnet, self.app("MinimalApi")], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def time_minimal_api(self, env):
        """Process start to the first HTTP 200 of GET /orders/1, and the RSS then."""
        port = self.free_port()
        t0 = time.perf_counter()
        p = self.start_minimal_api(env, port)
        try:
            while True:
                if self.http_status(port, "/orders/1") == 200:
                    t1 = time.perf_counter()
                    break
                if p.poll() is not None:
                    raise RuntimeError(f"MinimalApi exited {p.returncode} before answering")
                if time.perf_counter() - t0 > 60:
                    raise RuntimeError("MinimalApi did not answer within 60 s")
                time.sleep(0.001)
            return (t1 - t0) * 1e3, cpu_ms_precise(p.pid), rss_breakdown_kb(p.pid)
        finally:
            p.terminate()
            p.wait()
            self.cleanup_runtime_files(p.pid)

    def startup_runtime_dir(self):
        """Where the agent keeps its files in the start-up runs: where it keeps them by default
        (common/runtime_paths.h), a directory in /dev/shm when that is a tmpfs, not the bench's
        work directory on disk (/tmp), where each file the agent creates is a journal entry
        (measured apart in the hello mode agent_no_probe_runtime_dir_on_disk)."""
        fs = subprocess.run(["stat", "-f", "-c", "%T", "/dev/shm"], capture_output=True, text=True).stdout.strip()
        if fs != "tmpfs":
            return self.rtdir
        return tempfile.mkdtemp(prefix="clrprobe-bench-rt-", dir="/dev/shm")

    def startup(self):
        disk_rtdir, saved_env = self.rtdir, self.base_env
        self.rtdir = self.startup_runtime_dir()
        on_tmpfs = self.rtdir != disk_rtdir
        self.base_env = dict(self.base_env, CLRPROBE_RUNTIME_DIR=self.rtdir)
        try:
            self.startup_runs(disk_rtdir)
        finally:
            if self.rtdir != disk_rtdir:
                shutil.rmtree(self.rtdir, ignore_errors=True)
            self.rtdir, self.base_env = disk_rtdir, saved_env
        self.results["startup_detail"]["runtime_dir"] = (
            "a directory in /dev/shm (tmpfs), as the agent's default; agent_no_probe_runtime_dir_on_disk: "
            "the bench's work directory under /tmp" if on_tmpfs else "the bench's work directory (/dev/shm is no tmpfs)")
        self.cli_start()

    def startup_runs(self, disk_rtdir):
        # The goals are a few ms of CPU on a 30 ms start, about the size of one run's spread:
        # 60 hello rounds narrow the interval of the mean to about ±1 ms (30 gave ±1.6).
        n_hello = 10 if self.quick else 60
        n_api = 6 if self.quick else 40  # 20 left the wall-time interval about ±5 %, the goal's size
        log(f"startup: hello x{n_hello}, minimal API x{n_api} per mode (interleaved)")
        hello_probes = [f"Hello!Hello.Steps::S{i}" for i in range(10)]
        api_probes = ["MinimalApi!MinimalApi." + m for m in (
            "Handlers::GetOrder", "Pricing::PriceOf", "Pricing::Discount", "Customers::NameOf",
            "Customers::Index", "Tax::Of", "Tax::Rate", "Inventory::InStock", "Inventory::Stock", "Regions::Of")]
        modes = {
            "no_agent": lambda probes: self.env(False),
            "agent_no_probe": lambda probes: self.env(True),
            "agent_10_probes": lambda probes: self.env(True, probes),
        }
        # Sanity: the ten startup probes are applied and count (one untimed run with a report).
        report = os.path.join(self.work, "hello-report.json")
        env = dict(self.env(True, hello_probes), CLRPROBE_REPORT=report)
        subprocess.run([self.dotnet, self.app("Hello")], env=env, check=True, stdout=subprocess.DEVNULL)
        with open(report) as f:
            rep = json.load(f)
        counted = sum(1 for p in rep.get("probes", []) if p.get("calls", 0) >= 1)
        self.results["startup_detail"] = {"hello_probes_counting": counted}
        if counted != 10:
            self.notes.append(f"startup: only {counted} of the 10 hello probes counted a call")
        # The same for the minimal API: its ten probes count the first request's calls.
        port = self.free_port()
        p = self.start_minimal_api(self.env(True, api_probes), port)
        try:
            t0 = time.perf_counter()
            while self.http_status(port, "/orders/1") != 200:
                if p.poll() is not None or time.perf_counter() - t0 > 60:
                    raise RuntimeError("MinimalApi (10 startup probes) did not answer")
                time.sleep(0.01)
            st = self.probe_stats(p.pid)
            api_counted = sum(1 for x in st.get("probes", []) if x.get("calls", 0) >= 1)
        finally:
            p.terminate()
            p.wait()
            self.cleanup_runtime_files(p.pid)
        self.results["startup_detail"]["minimal_api_probes_counting"] = api_counted
        if api_counted != 10:
            self.notes.append(f"startup: only {api_counted} of the 10 minimal API probes counted a call")

        # Diagnostic mode (hello only): the agent without its 10 ms TSC calibration at start-up.
        hello_modes = dict(modes, agent_no_probe_monotonic_clock=lambda probes: dict(
            self.env(True), CLRPROBE_CLOCK="monotonic"))
        # Diagnostic mode (hello only): the agent's files on disk (the bench's work directory).
        if disk_rtdir != self.rtdir:
            hello_modes["agent_no_probe_runtime_dir_on_disk"] = lambda probes: dict(
                self.env(True), CLRPROBE_RUNTIME_DIR=disk_rtdir)
        hello = {k: [] for k in hello_modes}
        hello_cpu = {k: [] for k in hello_modes}
        for i in range(n_hello + 1):
            for k in (list(hello_modes) if i % 2 else list(reversed(hello_modes))):
                env = hello_modes[k](hello_probes)
                t0 = time.perf_counter()
                p = subprocess.Popen([self.dotnet, self.app("Hello")], env=env, stdout=subprocess.DEVNULL)
                _, status, ru = os.wait4(p.pid, 0)
                dt = (time.perf_counter() - t0) * 1e3
                p.returncode = os.waitstatus_to_exitcode(status)
                if p.returncode != 0:
                    raise RuntimeError(f"Hello exited {p.returncode} ({k})")
                if i > 0:  # the first round warms the disk cache
                    hello[k].append(dt)
                    hello_cpu[k].append((ru.ru_utime + ru.ru_stime) * 1e3)
        for d in {self.rtdir, disk_rtdir}:
            for f in os.listdir(d):
                os.unlink(os.path.join(d, f))

        wrapper = []
        for i in range(n_hello):
            t0 = time.perf_counter()
            subprocess.run([self.cli, "run", "--", "/bin/true"], env=self.base_env, check=True)
            wrapper.append((time.perf_counter() - t0) * 1e3)

        api = {k: [] for k in modes}
        api_cpu = {k: [] for k in modes}
        api_rss = {k: [] for k in modes}
        for i in range(n_api + 1):
            for k in (list(modes) if i % 2 else list(reversed(modes))):
                ms, cpu, rss = self.time_minimal_api(modes[k](api_probes))
                if i > 0:
                    api[k].append(ms)
                    api_cpu[k].append(cpu)
                    api_rss[k].append(rss)

        def added(d):
            """Each mode against the plain run of the same round (rounds interleaved): ms and pct are
            medians of the per-round differences, `paired` their mean and 95 % interval."""
            base = d["no_agent"]
            out = {}
            for k, v in d.items():
                if k == "no_agent":
                    continue
                diffs = [x - b for x, b in zip(v, base)]
                pcts = [(x / b - 1) * 100 for x, b in zip(v, base) if b]
                out[k] = {"ms": rnd(median(diffs), 2), "pct": rnd(median(pcts), 2), "paired": paired(diffs),
                          "paired_pct": paired(pcts)}
            return out

        self.results["startup_ms"] = {
            "hello": {k: rnd(median(v), 2) for k, v in hello.items()},
            "minimal_api_first_200": {k: rnd(median(v), 2) for k, v in api.items()},
            "hello_added": added(hello),
            "minimal_api_added": added(api),
            "hello_cpu": {k: rnd(median(v), 2) for k, v in hello_cpu.items()},
            "minimal_api_cpu_until_first_200": {k: rnd(median(v), 2) for k, v in api_cpu.items()},
            "hello_cpu_added": added(hello_cpu),
            "minimal_api_cpu_added": added(api_cpu),
            "clrprobe_run_wrapper_true": rnd(median(wrapper), 2),
        }
        self.results["startup_detail"].update({
            "how": "own loop, modes interleaved, first round discarded; agent loaded through the "
                   "environment `clrprobe run` sets (CORECLR_*), so the CLI's own exec is not included "
                   "(it is measured apart as clrprobe_run_wrapper_true: `clrprobe run -- /bin/true`)",
            "cpu": "user+system CPU time of the process (hello: wait4 rusage; minimal API: the sum of "
                   "/proc/PID/task/*/schedstat at the first 200, ns): less sensitive to a busy machine",
            "added": "paired: each mode minus the plain run of the same round, median over rounds",
            "hello_samples_ms": {k: [rnd(x, 2) for x in v] for k, v in hello.items()},
            "minimal_api_samples_ms": {k: [rnd(x, 2) for x in v] for k, v in api.items()},
            "probes_hello": hello_probes, "probes_minimal_api": api_probes,
        })
        mem = self.results.setdefault("memory_kb", {})
        mem["minimal_api_after_first_200"] = {
            k: {key: median([r.get(key) for r in v]) for key in ("VmRSS", "RssAnon", "RssFile")}
            for k, v in api_rss.items()}

    def spawn_ms(self, argv):
        """Wall time of one run of argv (output discarded), in ms; raises when it fails."""
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, env=self.base_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rc = p.wait()
        dt = (time.perf_counter() - t0) * 1e3
        if rc != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {rc}")
        return dt

    def cli_start(self):
        """CLI start (issue 12 part 5): each command minus /bin/true run next to it, order
        alternating. --version many times; list/stats/add --dry-run against a live process with
        the agent (CallBench, no probe), fewer times (each is a socket round trip)."""
        n_version = 60 if self.quick else 200
        n_live = 10 if self.quick else 30
        true_bin = shutil.which("true") or "/bin/true"
        log(f"cli: --version x{n_version}, list/stats/add x{n_live} against a live process")

        def measure(argv, n):
            diffs, own, base = [], [], []
            for i in range(n + 1):
                pair = [argv, [true_bin]] if i % 2 else [[true_bin], argv]
                a, b = (self.spawn_ms(x) for x in pair)
                cmd_ms, true_ms = (a, b) if i % 2 else (b, a)
                if i > 0:  # the first round warms the page cache
                    diffs.append(cmd_ms - true_ms)
                    own.append(cmd_ms)
                    base.append(true_ms)
            return diffs, own, base

        out, detail = {}, {}
        diffs, own, base = measure([self.cli, "--version"], n_version)
        out["version_added"] = rnd(median(diffs), 2)
        detail["version"] = {"paired_added": paired(diffs), "clrprobe_ms": rnd(median(own), 2),
                             "true_ms": rnd(median(base), 2)}
        proc = self.start_callbench(True, "cli-target")
        try:
            pid = str(proc.pid)
            for _ in range(200):
                if self.clrprobe("list", "-p", pid, check=False).returncode == 0:
                    break
                time.sleep(0.05)
            self.add_probe(pid, "CallBench!CallBench.Target::Work")  # `stats` exits 1 without a probe
            for name, argv in (("list", [self.cli, "list", "-p", pid]),
                               ("stats", [self.cli, "stats", "-p", pid]),
                               ("add_dry_run", [self.cli, "add", "-p", pid, "CallBench!CallBench.Target::Work", "--dry-run"])):
                try:
                    diffs, own, base = measure(argv, n_live)
                except RuntimeError as e:
                    self.notes.append(f"cli: {name} not measured: {e}")
                    continue
                out[f"{name}_added"] = rnd(median(diffs), 2)
                detail[name] = {"paired_added": paired(diffs), "clrprobe_ms": rnd(median(own), 2)}
        finally:
            proc.kill()
            self.cleanup_runtime_files(proc.pid)
        detail["how"] = ("each command minus /bin/true run next to it (order alternating, first round "
                         "discarded), wall time of fork+exec+wait from Python; *_added are medians of the "
                         "per-round differences")
        out["detail"] = detail
        self.results["cli_ms"] = out

    def memory(self):
        budget_one = 45 if self.quick else 90
        budget_hundred = 30 if self.quick else 60
        log(f"memory: add/remove cycles (time budgets {budget_one} s and {budget_hundred} s)")
        mem = self.results.setdefault("memory_kb", {})
        # Agent RSS: CallBench idle (from the per-call section) and MinimalApi (startup section).
        idle = mem.get("callbench_idle")
        if idle:
            mem["agent_rss_callbench"] = idle["agent_no_probe"]["VmRSS"] - idle["no_agent"]["VmRSS"]
        api = mem.get("minimal_api_after_first_200")
        if api:
            mem["agent_rss_minimal_api"] = api["agent_no_probe"]["VmRSS"] - api["no_agent"]["VmRSS"]
            mem["agent_10_probes_rss_minimal_api"] = api["agent_10_probes"]["VmRSS"] - api["no_agent"]["VmRSS"]

        def cycles(proc, selector, max_methods, max_cycles, budget_s, warmup=3):
            for _ in range(warmup):  # first add fills the IL cache, allocates slots
                r = self.rejit_latency(proc.pid, selector, max_methods)
                self.remove_probe(proc.pid, r["probe_id"])
            time.sleep(0.5)
            start_rss = rss_breakdown_kb(proc.pid)
            points = [(0, start_rss["VmRSS"])]
            t0 = time.perf_counter()
            n = 0
            while n < max_cycles and time.perf_counter() - t0 < budget_s:
                r = self.rejit_latency(proc.pid, selector, max_methods)  # returns once counted
                self.remove_probe(proc.pid, r["probe_id"])
                n += 1
                if n % 50 == 0:
                    points.append((n, rss_kb(proc.pid)))
            elapsed = time.perf_counter() - t0
            time.sleep(0.5)
            end_rss = rss_breakdown_kb(proc.pid)
            points.append((n, end_rss["VmRSS"]))
            return {
                "cycles": n, "seconds": rnd(elapsed, 1), "rss_start_kb": start_rss, "rss_end_kb": end_rss,
                "growth_kb": end_rss["VmRSS"] - start_rss["VmRSS"],
                "growth_per_cycle_kb": rnd((end_rss["VmRSS"] - start_rss["VmRSS"]) / max(n, 1), 2),
                "anon_growth_per_cycle_kb": rnd((end_rss["RssAnon"] - start_rss["RssAnon"]) / max(n, 1), 2),
                # The runtime's executable memory is double-mapped shared memory (W^X): jitted code.
                "shmem_growth_per_cycle_kb": rnd((end_rss["RssShmem"] - start_rss["RssShmem"]) / max(n, 1), 2),
                "file_growth_per_cycle_kb": rnd((end_rss["RssFile"] - start_rss["RssFile"]) / max(n, 1), 2),
                "rss_points": points,
            }

        d = self.start_callbench(True, "callbench-memory")
        try:
            d.cmd("spin gen 1")
            time.sleep(2.0)
            mem["cycles_one_method"] = cycles(d, "CallBench!Bench.Solo::S39", None, 1000, budget_one)
            mem["cycles_100_methods"] = cycles(d, "CallBench!Bench.GenB::M09*", None, 1000, budget_hundred)
            d.cmd("stop-spin")
        finally:
            d.quit()
            self.cleanup_runtime_files(d.pid)
        mem["rss_growth_per_cycle_one_method"] = mem["cycles_one_method"]["growth_per_cycle_kb"]
        mem["rss_growth_per_cycle_100_methods"] = mem["cycles_100_methods"]["growth_per_cycle_kb"]
        for key, want in (("cycles_one_method", 1000), ("cycles_100_methods", 1000)):
            n = mem[key]["cycles"]
            if n < want:
                self.notes.append(f"memory: {key} ran {n} cycles (time budget), not {want}")
        self.memory_per_probed_method(mem)

    def memory_per_probed_method(self, mem):
        """RSS of CallBench with its 10,000 Bench.Wide methods probed (three of them called), minus
        the same process with the agent and no probe, per method; both measured after `clrprobe stats`
        has read the figures (so the stats region counts as the process and its readers see it)."""
        methods, selector = 10000, "CallBench!Bench.Wide::*"
        log(f"memory: {methods} probed methods, most never called")

        def run(probed):
            d = self.start_callbench(True, "callbench-wide" + ("-probed" if probed else ""))
            check = {}
            try:
                d.cmd("wide 1")  # JIT the three callers' targets in both runs
                if probed:
                    probe = self.add_probe(d.pid, selector, "--max-methods", str(methods))
                    deadline = time.time() + 120
                    entry = {}
                    while time.time() < deadline:  # until the instrumented code runs
                        d.cmd("wide 1")
                        st = self.probe_stats(d.pid)
                        entry = next((p for p in st["probes"] if p["id"] == probe["id"]), {})
                        if entry.get("calls", 0) > 0:
                            break
                        time.sleep(0.2)
                    before = entry.get("calls", 0)
                d.cmd("wide 100")
                # Without a probe there is nothing to read (no probes file): the same command anyway.
                st = self.probe_stats(d.pid) if probed else self.clrprobe("stats", "-p", str(d.pid), check=False)
                if probed:
                    entry = next((p for p in st["probes"] if p["id"] == probe["id"]), {})
                    check = {"methods": len(entry.get("methods", [])), "calls_made": 300,
                             "calls_counted": entry.get("calls", 0) - before}
                    check["ok"] = check["methods"] == methods and check["calls_counted"] == 300
                time.sleep(1.0)
                return rss_breakdown_kb(d.pid), check, st
            finally:
                d.quit()
                self.cleanup_runtime_files(d.pid)

        plain, _, _ = run(False)
        probed, check, _ = run(True)
        per_method = (probed["VmRSS"] - plain["VmRSS"]) / methods
        mem["probed_methods_10000"] = {"no_probe": plain, "probed": probed, "check": check,
                                       "per_method_kb": {k: rnd((probed[k] - plain[k]) / methods, 3)
                                                         for k in plain if k in probed}}
        mem["per_probed_method"] = rnd(per_method, 3)
        if not check.get("ok"):
            self.notes.append(f"memory: the 10,000-method probe did not count as expected: {check}")

    def wrk(self, port, seconds):
        r = subprocess.run(["wrk", "-t2", "-c2", f"-d{seconds}s", "--latency",
                            f"http://127.0.0.1:{port}/orders/42"], capture_output=True, text=True, check=True)
        out = r.stdout

        def dur_ms(text):
            m = re.match(r"([\d.]+)(us|ms|s)", text)
            v = float(m.group(1))
            return v / 1000 if m.group(2) == "us" else v if m.group(2) == "ms" else v * 1000

        res = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
               "requests": int(re.search(r"(\d+) requests in", out).group(1))}
        for pct in ("50", "90", "99"):
            m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
            res[f"p{pct}_ms"] = rnd(dur_ms(m.group(1)), 4)
        errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        res["non_2xx"] = int(errs.group(1)) if errs else 0
        return res

    def load(self):
        seconds = 5 if self.quick else 10
        reps = 1 if self.quick else 3
        log(f"load: wrk -t2 -c2 -d{seconds}s on the minimal API, {reps} run(s) per mode")
        runs = {"no_agent": [], "agent_no_probe": [], "agent_full_probe": []}
        probe_calls = []
        probe_latency = None
        for rep in range(reps):
            order = list(runs) if rep % 2 == 0 else list(reversed(runs))
            for mode in order:
                port = self.free_port()
                p = self.start_minimal_api(self.env(mode != "no_agent"), port)
                try:
                    t0 = time.perf_counter()
                    while self.http_status(port, "/orders/1") != 200:
                        if p.poll() is not None or time.perf_counter() - t0 > 60:
                            raise RuntimeError("MinimalApi did not start")
                        time.sleep(0.01)
                    probe = None
                    if mode == "agent_full_probe":
                        probe = self.add_probe(p.pid, "MinimalApi!MinimalApi.Handlers::GetOrder")
                    self.wrk(port, 2)  # warm-up: tier-up of the request path
                    before = self.probe_stats(p.pid) if probe else None
                    res = self.wrk(port, seconds)
                    if probe:
                        after = self.probe_stats(p.pid)
                        get = lambda st: next(x for x in st["probes"] if x["id"] == probe["id"])
                        probe_calls.append((get(after)["calls"] - get(before)["calls"], res["requests"]))
                        probe_latency = get(after).get("latency_ns")
                    runs[mode].append(res)
                finally:
                    p.terminate()
                    p.wait()
                    self.cleanup_runtime_files(p.pid)
        out = {}
        for mode, rs in runs.items():
            out[mode] = {k: rnd(median([r[k] for r in rs]), 4) for k in ("rps", "p50_ms", "p90_ms", "p99_ms")}
            out[mode]["non_2xx"] = sum(r["non_2xx"] for r in rs)
        base = out["no_agent"]["rps"]
        for mode in ("agent_no_probe", "agent_full_probe"):
            out[mode]["rps_change_pct"] = rnd((out[mode]["rps"] / base - 1) * 100, 2)
        self.results["load"] = out
        self.results["load_detail"] = {
            "how": f"wrk -t2 -c2 -d{seconds}s --latency http://127.0.0.1:PORT/orders/42 after a 2 s warm-up; "
                   f"median of {reps} run(s) per mode, modes interleaved; the probe is added live on "
                   "MinimalApi.Handlers::GetOrder before the warm-up",
            "runs": runs,
            "probe_calls_vs_wrk_requests": probe_calls,
            "probe_latency_ns_last_run": probe_latency,
        }


# --------------------------------------------------------------------------- report

def fmt(x, nd=1, unit=""):
    if x is None:
        return "n/a"
    return f"{x:.{nd}f}{unit}"


def report_rows(r):
    rows = []  # (section, measure, value, goal, verdict)

    def verdict(ok):
        return "" if ok is None else ("met" if ok else "missed")

    pc, pc2 = r.get("per_call_ns"), r.get("per_call_ns_2_threads")
    add, add2 = r.get("per_call_added_ns"), r.get("per_call_added_ns_2_threads")
    pr, checks = r.get("per_call_paired") or {}, r.get("per_call_probe_check") or {}
    if pc:
        base = pc["baseline"]

        def both(variant, limit_1t, limit_2t, check=None):
            """Verdicts for 1 and 2 threads from the paired confidence intervals; "probe failed"
            when the probe measured did not count exactly the calls made."""
            if check is not None and not checks.get(check, {}).get("ok"):
                return "probe failed"
            p = pr.get(variant, {})
            return (f"1 thread {judge_added(p.get('1t'), limit_1t)}; "
                    f"2 threads {judge_added(p.get('2t'), limit_2t)}")

        def ci(variant):
            p = pr.get(variant, {})
            parts = [f"{t} CI [{fmt(x['ci95'][0], 2)}, {fmt(x['ci95'][1], 2)}]"
                     for t, x in (("1t", p.get("1t")), ("2t", p.get("2t"))) if x]
            return f"; added 95 % {', '.join(parts)}" if parts else ""

        def counted(check):
            c = checks.get(check)
            if not c:
                return ""
            rounds = f" over {c['rounds']} add/revert rounds" if c.get("rounds") else ""
            return f"; probe counted {c.get('calls_counted')} of {c.get('calls_made')} calls{rounds}"

        for key, label in (("baseline", "no agent (baseline)"), ("agent_no_probe", "agent loaded, no probe"),
                           ("count_probe", "count-only probe"), ("sampled_probe", "sampled probe (1 call in 64 timed)"),
                           ("full_probe", "full probe (calls, exceptions, latency)"),
                           ("after_remove", "after the probe is removed"), ("manual_otel", "hand-written Counter+Histogram+Stopwatch, OTel listening")):
            v1, v2 = pc[key], pc2[key]
            a1 = add.get(key) if key != "baseline" else None
            a2 = add2.get(key) if key != "baseline" else None
            value = f"{fmt(v1, 2)} / {fmt(v2, 2)} ns"
            if key in ("count_probe", "sampled_probe") and (v1 is None or v2 is None):
                rows.append(("per call, 1 / 2 threads", label, "not measured: no such probe kind in this agent",
                             "≤ 3 ns added" if key == "count_probe" else "≤ 5 ns added", "n/a"))
                continue
            if a1 is not None and a2 is not None:
                value += f" ({a1:+.2f} / {a2:+.2f})"
            goal, shown = "", ""
            if key == "agent_no_probe":
                goal = "≤ 1 % throughput"
                value += f", {add['agent_no_probe_throughput_loss_pct']:+.1f} %" + ci(key)
                shown = both(key, base * 0.01, pc2["baseline"] * 0.01)
            elif key == "count_probe":
                goal = "≤ 3 ns added"
                value += ci(key) + counted(key)
                shown = both(key, 3.0, 3.0, check=key)
            elif key == "sampled_probe":
                goal = "≤ 5 ns added"
                value += ci(key) + counted(key)
                shown = both(key, 5.0, 5.0, check=key)
            elif key == "full_probe":
                goal = "≤ 30 ns added; ≤ 0.3× hand-written added cost"
                ratio = add.get("full_over_manual_added_ratio")
                value += f", {fmt(ratio, 2)}× hand-written added cost" + ci(key) + counted(key)
                manual1, manual2 = add.get("manual_otel"), add2.get("manual_otel")
                v30 = both(key, 30.0, 30.0, check=key)
                v03 = ("n/a" if not manual1 or not manual2 else both(key, 0.3 * manual1, 0.3 * manual2, check=key))
                shown = f"≤ 30 ns: {v30}. ≤ 0.3×: {v03}"
            elif key == "after_remove":
                # Issue 12's goal; the older one (1 % of a 1.7 ns call, 0.017 ns) is below what a
                # byte test can cost and is shown for comparison only.
                goal = "≤ 0.5 ns added (older goal: ≤ 1 % of the baseline)"
                value += (f", {add['after_remove_vs_baseline_pct']:+.1f} % vs the original code in the same process"
                          + ci(key) + counted(key))
                same1, same2 = pc.get("baseline_same_process") or base, pc2.get("baseline_same_process") or pc2["baseline"]
                shown = (f"≤ 0.5 ns: {both(key, 0.5, 0.5, check=key)}. "
                         f"≤ 1 %: {both(key, same1 * 0.01, same2 * 0.01, check=key)}")
            elif key == "manual_otel":
                value += ci(key)
            rows.append(("per call, 1 / 2 threads", label, value, goal, shown))
    if pc and pc.get("full_probe_gc_transition") is not None:
        rows.append(("per call, 1 / 2 threads", "full probe, hooks keeping the GC transition (CLRPROBE_GC_TRANSITION=1)",
                     f"{fmt(pc['full_probe_gc_transition'], 2)} / {fmt(pc2['full_probe_gc_transition'], 2)} ns "
                     f"({add['full_probe_gc_transition']:+.2f} / {add2['full_probe_gc_transition']:+.2f})", "", ""))
    if pc and pc.get("calli_gc_transition") is not None:
        rows.append(("per call, 1 thread", "one calli to a native no-op: GC transition / SuppressGCTransition",
                     f"{add['calli_gc_transition']:+.2f} / {add['calli_suppress_gc_transition']:+.2f} ns over baseline",
                     "", ""))
    ap = r.get("async_per_call")
    if ap:
        rows += async_report_rows(ap, r.get("allocations_per_call") or {}, verdict)
    nh = r.get("native_hit_path_ns")
    if nh:
        el = nh.get("BM_EnterLeave/threads:1")
        rows.append(("per call", "native part only: enter+leave (hit_path_bench)",
                     f"{fmt(el, 2)} ns (TSC read {fmt(nh.get('BM_ReadTicks'), 2)} ns)", "", ""))
    rj = r.get("rejit_latency_ms")
    rd = r.get("rejit_detail") or {}
    if rj:
        # Judged from the start of `add` (CLI start, request, ReJIT, first call): the time from
        # `add` exiting is negative whenever the first count comes before the CLI exits.
        since = rj.get("one_method_first_call_since_add_started")
        ok = since is not None and since <= 5.0
        rows.append(("ReJIT", "1 method: `add` started → first counted call",
                     f"{fmt(since, 1)} ms; `add` took {fmt(rj['one_method_add'], 1)} ms (first count "
                     f"{fmt(rj['one_method_first_call_after_add'], 2)} ms after it exited; negative: before); "
                     f"`clrprobe list` round trip {fmt(rj.get('cli_list_roundtrip'), 1)} ms, `clrprobe --version` "
                     f"{fmt(rj.get('cli_version'), 1)} ms", "≤ 5 ms", verdict(ok)))
        # The re-add goal (≤ 1 ms) is judged on the re-add in the agent: from a client connecting
        # to the control socket to the first counted call. The CLI's own start is the same for
        # every command and has its own goal (≤ 5 ms over /bin/true); the figure from the start
        # of `clrprobe add` is shown beside it.
        readd = rj.get("one_method_readd_first_call_since_request")
        readd_cli = rj.get("one_method_readd_first_call_since_add_started")
        if readd is not None:
            rows.append(("ReJIT", "1 method, re-add of a disarmed probe (no ReJIT): request → first counted call",
                         f"{fmt(readd, 3)} ms median from connecting to the control socket "
                         f"({' to '.join(fmt(x, 3) for x in rj.get('one_method_readd_first_call_since_request_range') or [])} "
                         f"over {len(rd.get('one_method_readd_direct_samples') or [])} re-adds; reply after "
                         f"{fmt(rj.get('one_method_readd_request_reply'), 3)} ms); through `clrprobe add`: "
                         f"{fmt(readd_cli, 2)} ms from its start, of which `clrprobe --version` alone takes "
                         f"{fmt(rj.get('cli_version'), 2)} ms", "≤ 1 ms", verdict(readd <= 1.0)))
        elif readd_cli is not None:
            rows.append(("ReJIT", "1 method, re-add of a disarmed probe (no ReJIT): `add` started → first counted call",
                         f"{fmt(readd_cli, 2)} ms (`clrprobe --version` alone {fmt(rj.get('cli_version'), 1)} ms)",
                         "≤ 1 ms", verdict(readd_cli <= 1.0)))
        for n, key in (("100", "hundred"), ("1,000", "thousand")):
            since = rj.get(f"{key}_methods_all_counted_since_add_started")
            rows.append(("ReJIT", f"{n} methods: `add` / all of them counted",
                         f"`add` {fmt(rj[f'{key}_methods_add'], 1)} ms ({fmt(rj[f'{key}_methods_add_per_method'], 3)} ms/method); "
                         f"all counted {fmt(rj[f'{key}_methods_all_counted_after_add'], 1)} ms after it returned"
                         + (f" ({fmt(since, 1)} ms after it started)" if since is not None else "")
                         + f"; re-add {fmt(rj[f'{key}_methods_readd_add'], 1)} ms", "", ""))
        rows.append(("ReJIT", "remove: 1 / 100 / 1,000 methods",
                     f"{fmt(rj['one_method_remove'], 1)} / {fmt(rj['hundred_methods_remove'], 1)} / "
                     f"{fmt(rj['thousand_methods_remove'], 1)} ms", "", ""))
    su = r.get("startup_ms")
    if su:
        detail = r.get("startup_detail") or {}
        for app, key, cpukey, check in (("hello world (start → exit)", "hello", "hello_cpu", "hello_probes_counting"),
                                        ("minimal API (start → first 200)", "minimal_api_first_200",
                                         "minimal_api_cpu_until_first_200", "minimal_api_probes_counting")):
            base, cbase = su[key]["no_agent"], su[cpukey]["no_agent"]
            for mode, label in (("agent_no_probe", "agent, no probe"), ("agent_10_probes", "agent, 10 startup probes"),
                                ("agent_no_probe_monotonic_clock", "agent, no probe, CLRPROBE_CLOCK=monotonic")):
                if mode not in su[key]:
                    continue
                v, c = su[key][mode], su[cpukey][mode]
                ms, pct = v - base, (v / base - 1) * 100
                ok = pct <= 5.0 or ms <= 10.0
                shown = "below resolution" if ms < 0 else verdict(ok)
                if mode == "agent_10_probes" and detail.get(check) != 10:
                    shown = f"probe failed ({detail.get(check)} of 10 probes counted)"
                rows.append(("start-up", f"{app}: {label}",
                             f"{fmt(v, 1)} vs {fmt(base, 1)} ms ({ms:+.1f} ms, {pct:+.1f} %); "
                             f"CPU {fmt(c, 0)} vs {fmt(cbase, 0)} ms ({c - cbase:+.0f} ms)",
                             "≤ 5 % or ≤ 10 ms added", shown))
    if su and "hello_cpu_added" in su:
        # Issue 12 part 4, from the paired differences (each mode minus the plain run of its round):
        # judged on the 95 % interval of their mean (judge_added), so a median under the limit
        # with an interval across it is "inconclusive", not "met".
        def added_row(label, key, mode, field, limit, unit, probes_check=None):
            a = (su.get(key) or {}).get(mode)
            p = a and a.get("paired" if field == "ms" else "paired_pct")
            if not p or p.get("mean") is None:
                return
            lo, hi = p["ci95"]
            shown = judge_added(p, limit)
            if probes_check and detail.get(probes_check) != 10:
                shown = f"probe failed ({detail.get(probes_check)} of 10 probes counted)"
            ci = f" (95 % CI {lo:+.2f} to {hi:+.2f})" if lo is not None else ""
            rows.append(("start-up", label, f"{p['mean']:+.2f} {unit}{ci}, median {a[field]:+.2f}",
                         f"≤ {limit} {unit}", shown))
        added_row("hello world CPU added, agent without probes", "hello_cpu_added", "agent_no_probe", "ms", 3, "ms")
        added_row("hello world CPU added, 10 startup probes", "hello_cpu_added", "agent_10_probes", "ms", 5, "ms",
                  "hello_probes_counting")
        added_row("hello world CPU added, agent without probes, its files on disk (/tmp)", "hello_cpu_added",
                  "agent_no_probe_runtime_dir_on_disk", "ms", 3, "ms")
        added_row("minimal API CPU to first 200 added, agent without probes", "minimal_api_cpu_added",
                  "agent_no_probe", "pct", 5, "%")
        added_row("minimal API wall to first 200 added, agent without probes", "minimal_api_added",
                  "agent_no_probe", "pct", 5, "%")
    wc = r.get("watch_cost")
    if wc:
        w = (wc.get("paired_1t") or {}).get("watch_false_condition")
        over = wc.get("watch_minus_full_probe")
        check = (wc.get("check") or {}).get("watch_false_condition", {})
        if w and over:
            # A difference of two added costs (watch minus full probe): a negative estimate is
            # the watch costing no more than the probe, not a cost below resolution; the goal
            # is met when the whole interval is at or below 10 ns.
            shown = judge_added(over, 10) if over["mean"] >= 0 or over["ci95"][1] is None else \
                ("met" if over["ci95"][1] <= 10 else "inconclusive")
            if not check.get("ok"):
                shown = (f"watch failed ({check.get('calls_counted')} of {check.get('calls_made')} calls counted, "
                         f"{check.get('events_printed')} events)")
            rows.append(("per call", "watch, condition never true, --args on a 2-argument method",
                         f"+{w['median']:.1f} ns; {over['mean']:+.1f} ns over a full probe on the same method "
                         f"(95 % CI {over['ci95'][0]:+.1f} to {over['ci95'][1]:+.1f})", "≤ full probe + 10 ns", shown))
    cli = r.get("cli_ms")
    if cli and cli.get("version_added") is not None:
        rows.append(("CLI start", "`clrprobe --version` minus /bin/true", f"{cli['version_added']:+.2f} ms", "≤ 5 ms",
                     verdict(cli["version_added"] <= 5)))
        for name, label in (("list_added", "`clrprobe list -p PID`"), ("stats_added", "`clrprobe stats -p PID`"),
                            ("add_dry_run_added", "`clrprobe add -p PID ... --dry-run`")):
            if cli.get(name) is not None:
                rows.append(("CLI start", f"{label} minus /bin/true (includes the agent round trip)",
                             f"{cli[name]:+.2f} ms", "", ""))
    mem = r.get("memory_kb")
    if mem:
        if "agent_rss_callbench" in mem:
            rows.append(("memory", "agent RSS: CallBench idle / minimal API after first 200 / same, 10 startup probes",
                         f"{mem['agent_rss_callbench']:+.0f} KB / {mem.get('agent_rss_minimal_api', 0):+.0f} KB / "
                         f"{mem.get('agent_10_probes_rss_minimal_api', 0):+.0f} KB", "", ""))
        for key, label in (("cycles_one_method", "RSS growth per add/remove cycle, 1 method"),
                           ("cycles_100_methods", "RSS growth per add/remove cycle, 100 methods")):
            c = mem.get(key)
            if c:
                rows.append(("memory", label, f"{fmt(c['growth_per_cycle_kb'], 2)} KB/cycle over {c['cycles']} cycles "
                             f"({c['growth_kb']:+.0f} KB in {c['seconds']} s; anon {fmt(c['anon_growth_per_cycle_kb'], 2)}, "
                             f"code (shmem) {fmt(c['shmem_growth_per_cycle_kb'], 2)} KB/cycle)", "", ""))
        pm = mem.get("probed_methods_10000")
        if pm and mem.get("per_probed_method") is not None:
            k = pm["per_method_kb"]
            ok = mem["per_probed_method"] <= 1.0
            rows.append(("memory", "RSS per probed method (10,000 probed, 3 called, after `stats`)",
                         f"{fmt(mem['per_probed_method'], 3)} KB (anon {fmt(k.get('RssAnon'), 3)}, "
                         f"file {fmt(k.get('RssFile'), 3)}, shmem {fmt(k.get('RssShmem'), 3)} KB)", "≤ 1 KB",
                         verdict(ok) if pm["check"].get("ok") else f"probe failed ({pm['check']})"))
    ld = r.get("load")
    if ld:
        for mode, label in (("no_agent", "no agent"), ("agent_no_probe", "agent, no probe"),
                            ("agent_full_probe", "agent, probe on the handler")):
            x = ld[mode]
            value = f"{x['rps']:.0f} req/s, p50 {x['p50_ms']:.3f} ms, p99 {x['p99_ms']:.3f} ms"
            if "rps_change_pct" in x:
                value += f" ({x['rps_change_pct']:+.1f} % req/s)"
            goal, shown = "", ""
            if mode == "agent_full_probe":
                goal = "probe counts every request"
                # wrk counts completed responses; the handler may also have run for the (at most
                # one per connection) requests still in flight when wrk stopped.
                pairs = (r.get("load_detail") or {}).get("probe_calls_vs_wrk_requests") or []
                ok = bool(pairs) and all(0 <= calls - requests <= 2 for calls, requests in pairs)
                value += "; probe counted " + ", ".join(f"{c} of {q}" for c, q in pairs) + " requests"
                shown = "probe worked" if ok else "probe failed"
            rows.append(("service under load (wrk, 2 conns)", label, value, goal, shown))
    return rows


def merge_results(full, partial, sections):
    """The full results with the figures of a partial run (--only ... --merge) written in:
    nested dicts are merged key by key, so e.g. per_call_added_ns keeps the other sections'
    keys. The partial run's machine line, command and notes go to partial_runs."""
    def merge(old, new):
        out = dict(old)
        for k, v in new.items():
            out[k] = merge(old[k], v) if isinstance(v, dict) and isinstance(old.get(k), dict) else v
        return out

    run_keys = ("machine", "command", "duration_s", "notes")
    merged = merge(full, {k: v for k, v in partial.items() if k not in run_keys})
    m = partial.get("machine", {})
    run = {"sections": sections, "command": partial.get("command"), "duration_s": partial.get("duration_s"),
           "notes": partial.get("notes", []),
           "machine": {k: m.get(k) for k in ("date_utc", "load_average_start", "load_average_end", "git_head")}}
    merged["partial_runs"] = [r for r in full.get("partial_runs", []) if r.get("sections") != sections] + [run]
    return merged


def async_report_rows(ap, alloc, verdict):
    """Rows of the async section. A goal is judged only when the probe counted what it should
    (every call, nothing left in flight, a latency): else "probe failed"; an added cost below
    zero is "below resolution"."""
    rows = []
    section = "async, per call (1 thread; 1 async chain)"
    ns, added, check = ap["ns"], ap["added_ns"], ap["probe_check"]

    def judged(row, ok, cost=None):
        if not check.get(row, {}).get("ok"):
            return "probe failed"
        return "below resolution" if cost is not None and cost < 0 else verdict(ok)

    def allocs(row, *variants):
        a = [alloc.get(row, {}).get(v) or {} for v in variants]
        text = (f"allocations per call {' / '.join(fmt(x.get('bytes'), 0) for x in a)} B, "
                f"≈ {' / '.join(fmt(x.get('objects'), 2) for x in a)} objects")
        more = alloc.get(row, {}).get(variants[-1] + "_added")
        return text + (f" ({more['bytes']:+.0f} B, {more['objects']:+.2f} objects)" if more else "")

    def counted(row):
        c = check.get(row, {})
        n = lambda x: "?" if x is None else f"{x:,}"
        return (f"probe counted {n(c.get('calls_counted'))} of {n(c.get('calls_made'))} calls, "
                f"{n(c.get('in_flight'))} in flight, p50 {fmt(c.get('latency_p50_ns'), 0)} ns")

    ref = added.get("full_probe_reference")
    row = "async_sync_completed"
    if row in added:
        limit = None if ref is None else ref + 5.0
        rows.append((section, "async method completing synchronously: unprobed / probed",
                     f"{fmt(ns[row]['unprobed'], 2)} / {fmt(ns[row]['probed'], 2)} ns ({added[row]:+.2f}); full probe on "
                     f"Target::Work in the same processes {fmt(ref, 2)} ns added; {allocs(row, 'unprobed', 'probed')}; "
                     f"{counted(row)}",
                     f"≤ full probe + 5 ns ({fmt(limit, 1)})",
                     judged(row, limit is not None and added[row] <= limit, added[row])))
    row = "async_yielding"
    if row in added:
        more = alloc.get(row, {}).get("probed_added", {}).get("objects")
        manual = added.get(row + "_manual_otel")
        ratio = None if not manual or manual <= 0 else added[row] / manual
        rows.append((section, "async method awaiting Task.Yield(): unprobed / probed",
                     f"{fmt(ns[row]['unprobed'], 1)} / {fmt(ns[row]['probed'], 1)} ns ({added[row]:+.1f}), "
                     f"{fmt(ratio, 2)}× hand-written added cost; {allocs(row, 'unprobed', 'probed')}; {counted(row)}",
                     "≤ 150 ns added; ≤ 1 allocation added",
                     f"{judged(row, added[row] <= 150.0, added[row])}; "
                     f"{judged(row, more is not None and round(more) <= 1)}"))
        if manual is not None:
            rows.append((section, "same method, hand-written: Stopwatch, Counter, Histogram after the await, OTel listening",
                         f"{fmt(ns[row]['manual_otel'], 1)} ns ({manual:+.1f}); "
                         f"{allocs(row, 'unprobed', 'manual_otel')}", "", ""))
    return rows


def markdown_table(rows):
    out = ["| section | measure | value | goal | |", "|---|---|---|---|---|"]
    for sec, measure, value, goal, v in rows:
        out.append(f"| {sec} | {measure} | {value} | {goal} | {v} |")
    return "\n".join(out)


def print_table(rows):
    w1 = max((len(r[1]) for r in rows), default=0)
    for sec, measure, value, goal, v in rows:
        tail = f"   [{goal}: {v}]" if goal else ""
        print(f"  {measure:<{w1}}  {value}{tail}")


def run_conditions(m):
    """The load average and commit of a run, as the results block states them."""
    return (f"load average at start {', '.join(f'{x:.1f}' for x in m.get('load_average_start') or [])}"
            f", at end {', '.join(f'{x:.1f}' for x in m.get('load_average_end') or [])}; commit {m.get('git_head', '?')}")


def write_markdown(path, results, rows, command):
    m = results.get("machine", {})
    block = [
        "<!-- bench:results:begin (generated by bench/run; edit outside this block) -->",
        f"Measured {m.get('date_utc', '?')} on {m.get('model_name', '?')}, {m.get('nproc', '?')} cores "
        f"({m.get('hypervisor_vendor', 'bare metal')} VM), {round(m.get('mem_total_kb', 0) / 1048576)} GiB, "
        f"kernel {m.get('kernel', '?')}, {', '.join(m.get('dotnet_runtimes', [])[-1:])}, clocksource "
        f"{m.get('clocksource', '?')}; {run_conditions(m)}.",
        f"Command: `{command}` ({results.get('duration_s', '?')} s). Raw figures: `bench/results.json`.",
    ]
    for run in results.get("partial_runs", []):
        rm = run.get("machine", {})
        block.append(f"Section(s) {', '.join(run['sections'])} measured in a separate run on the same machine, "
                     f"{rm.get('date_utc', '?')}: {run_conditions(rm)}; command `{run.get('command')}` "
                     f"({run.get('duration_s', '?')} s).")
    block += [
        "",
        markdown_table(rows),
    ]
    notes = results.get("notes", []) + [f"({', '.join(run['sections'])} run) {n}"
                                        for run in results.get("partial_runs", []) for n in run.get("notes", [])]
    if notes:
        block += ["", "Notes from the run:", ""] + [f"- {n}" for n in notes]
    block.append("<!-- bench:results:end -->")
    text = "\n".join(block)
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
        if "<!-- bench:results:begin" in old and "<!-- bench:results:end -->" in old:
            pre = old[:old.index("<!-- bench:results:begin")]
            post = old[old.index("<!-- bench:results:end -->") + len("<!-- bench:results:end -->"):]
            text = pre + text + post
        else:
            text = old.rstrip() + "\n\n" + text + "\n"
    else:
        text = "# clrprobe benchmarks\n\n" + text + "\n"
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and shorter runs")
    ap.add_argument("--only", default="", help="comma-separated sections to run")
    ap.add_argument("--out", help="results file (default bench/results.json; with --only "
                                   "BUILD_DIR/results-partial.json, so a partial run keeps the full results)")
    ap.add_argument("--merge", action="store_true",
                    help="with --only: write the sections' figures into bench/results.json (or --out), keeping "
                         "the others, and refresh BENCHMARKS.md")
    ap.add_argument("--markdown", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("--no-markdown", action="store_true")
    ap.add_argument("--debug", action="store_true", help="stop at the first failing section, with its traceback")
    ap.add_argument("--command", default="bench/run")
    ap.add_argument("--render", metavar="RESULTS_JSON",
                    help="measure nothing: print the table of a results file and refresh BENCHMARKS.md from it")
    ap.add_argument("--allow-other-commit", action="store_true",
                    help="with --render: accept a results file measured on another commit than HEAD")
    args = ap.parse_args()

    if args.render:
        with open(args.render) as f:
            results = json.load(f)
        measured = (results.get("machine") or {}).get("git_head") or "?"
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        if not head.startswith(measured) and not args.allow_other_commit:
            print(f"bench.py: {args.render} was measured on commit {measured}, not HEAD ({head[:12]}): its "
                  "verdicts would be passed off as this commit's. Measure again, or pass --allow-other-commit.",
                  file=sys.stderr)
            return 2
        rows = report_rows(results)
        print_table(rows)
        if not args.no_markdown:
            write_markdown(args.markdown, results, rows, results.get("command", args.command))
        return 0

    sections = ["machine", "micro", "percall", "watch", "async", "rejit", "startup", "memory", "load"]
    only = [s for s in args.only.split(",") if s]
    if args.merge and not only:
        ap.error("--merge needs --only")
    if args.out is None:
        args.out = (os.path.join(os.path.abspath(args.build_dir), "results-partial.json") if only and not args.merge
                    else os.path.join(ROOT, "bench", "results.json"))
    t_start = time.time()
    b = Bench(args)
    failed = []
    try:
        for s in sections:
            if only and s not in only and s != "machine":
                continue
            fn = {"machine": b.machine, "micro": b.micro_bench, "percall": b.percall, "watch": b.watch_cost,
                  "async": b.async_calls, "rejit": b.rejit,
                  "startup": b.startup, "memory": b.memory, "load": b.load}[s]
            try:
                fn()
            except Exception as e:  # report and go on with the other sections
                failed.append(s)
                if args.debug:
                    raise
                b.notes.append(f"section {s} failed: {e}")
                log(f"section {s} FAILED: {e}")
    finally:
        shutil.rmtree(b.work, ignore_errors=True)
    b.results.setdefault("machine", {})["load_average_end"] = list(os.getloadavg())
    b.results["duration_s"] = round(time.time() - t_start)
    b.results["command"] = args.command
    b.results["notes"] = b.notes
    for key in ("per_call_ns", "rejit_latency_ms", "startup_ms", "memory_kb"):
        if not args.merge:  # a merged run keeps the figures of the sections it skipped
            b.results.setdefault(key, None)
    ordered = {k: b.results[k] for k in ("machine", "command", "duration_s", "per_call_ns", "per_call_ns_2_threads",
                                         "per_call_added_ns", "per_call_added_ns_2_threads", "allocations_per_call",
                                         "rejit_latency_ms",
                                         "startup_ms", "memory_kb", "load", "native_hit_path_ns", "notes")
               if k in b.results}
    ordered.update({k: v for k, v in b.results.items() if k not in ordered})
    if args.merge:
        with open(args.out) as f:
            ordered = merge_results(json.load(f), ordered, [x for x in sections if x in only])
    with open(args.out, "w") as f:
        json.dump(ordered, f, indent=2)
        f.write("\n")
    rows = report_rows(ordered)
    print()
    print_table(rows)
    for n in b.notes:
        print(f"  note: {n}")
    print(f"\nwrote {os.path.relpath(args.out, ROOT)}", end="")
    if not args.no_markdown and (args.merge or not only):
        write_markdown(args.markdown, ordered, rows, ordered["command"])
        print(f" and the results block of {os.path.relpath(args.markdown, ROOT)}", end="")
    print(f" in {b.results['duration_s']} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
