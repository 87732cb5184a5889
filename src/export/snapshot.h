// What the exporters publish, read from the agents' files: per process (its
// stats region <pid>.stats and probes file <pid>.probes.json, see
// src/common/runtime_paths.h), per probe, per method: calls, exceptions,
// cancelled, in_flight and the collapsed latency histogram.
//
// A method's figures are those of src/figures (probe_figures) for the
// probe restricted to that method: the slot's counters minus the method
// entry's baseline, so a probe counts from its own start. The histogram and
// in_flight (a gauge) are the slot's (baselines only cover counters). Summing a probe's methods gives
// `clrprobe stats`'s figures of the probe.
//
// A removed probe is published with the same per-method figures: its
// methods' original code is restored on removal, so their slots stop counting
// (unless another probe still instruments a method). The agent's frozen
// "final" figures are per probe, not per method, and are not used here.
#pragma once

#include <sys/types.h>

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "export/latency_buckets.h"
#include "export/process_resource.h"
#include "stats/histogram.h"

namespace clrprobe::exporter {

struct MethodFigures {
  std::string method;   // "Ns.Type::Method(int32)"
  uint64_t calls = 0;
  uint64_t exceptions = 0;
  uint64_t cancelled = 0;  // async: the task was cancelled
  uint64_t in_flight = 0;  // started, not finished, now
  CollapsedLatency latency;  // on the fixed bounds (Prometheus, OTLP explicit)
  // The agent's own histogram (ticks), for exponential histograms and deltas.
  stats::Histogram ticks;
  uint64_t max_ticks = 0;
  double ticks_per_ns = 1.0;
  // Start of the figures (ns since the epoch): when the probe was added
  // (else the process's start); for delta pushes, the previous push.
  uint64_t start_unix_ns = 0;
};

struct ProbeSnapshot {
  int64_t id = 0;
  std::string selector;
  std::string state;                   // "active", "pending", "removed", "expired" (removed by its ttl), "suspended"
  uint64_t added_unix_ns = 0;          // when it was added; 0: unknown (older agent)
  std::vector<MethodFigures> methods;  // one per distinct method with a slot
  bool removed() const { return state == "removed" || state == "expired"; }
};

// A process across pid reuse: pid plus its start time (clock ticks since boot).
struct ProcessKey {
  int32_t pid = 0;
  uint64_t start_jiffies = 0;
  auto operator<=>(const ProcessKey&) const = default;
};

struct ProcessSnapshot {
  ProcessKey key;
  std::string name;                 // /proc/<pid>/comm; empty when never seen running
  bool alive = false;               // the region's writer still runs
  uint64_t start_unix_ns = 0;       // process start (start time of cumulative figures)
  uint64_t region_created_unix_ns = 0;
  ProcessResource resource;           // read from /proc while it runs (collector.h)
  std::vector<ProbeSnapshot> probes;  // in the probes file's order
};

struct HostSnapshot {
  uint64_t time_unix_ns = 0;  // when it was read
  std::vector<ProcessSnapshot> processes;  // by pid
};

// Where one agent's files are, and the process's name if known.
struct AgentTarget {
  pid_t pid = 0;
  // The process's pid here when `pid` (in its file names and its region) is
  // that of another pid namespace (a container); 0 otherwise.
  pid_t host_pid = 0;
  std::string stats_path;
  std::string probes_path;
  std::string process_name;  // empty: unknown (the process is gone)
};

// Reads one process. An error when the stats region cannot be read or was
// written by another pid; a missing or invalid probes file gives no probes
// (`problem` says why when it is invalid).
Result<ProcessSnapshot> read_process(const AgentTarget& target, std::string* problem = nullptr);

// CLOCK_REALTIME in ns.
uint64_t unix_now_ns();

}  // namespace clrprobe::exporter
