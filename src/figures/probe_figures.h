// A probe's figures: the sum over its methods' slots of the stats region,
// minus each method's baseline. Shared by `clrprobe stats`, `clrprobe
// monitor` and (later) the exporters.
//
//   calls, exceptions,  sum over the probe's distinct slots, each minus its
//   cancelled           method's baseline (saturating at 0)
//   in_flight           sum of the slots' calls - completed: a gauge (what is
//                       pending now), so no baseline applies
//   histogram           bucket-wise sum (ticks); baselines only cover counts,
//                       so for a method shared with an earlier probe the
//                       latencies include the calls made before this probe
//   max                 maximum of the slots' exact maxima
//   removed probe       the agent's frozen "final" figures when it wrote them,
//                       else the slots as they are now
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "figures/probes_file.h"
#include "stats/histogram.h"
#include "stats/stats_reader.h"

namespace clrprobe::figures {

struct ProbeFigures {
  uint64_t calls = 0;       // entered
  uint64_t exceptions = 0;  // left by an exception (async: or the task faulted)
  uint64_t cancelled = 0;   // async: the task was cancelled
  uint64_t in_flight = 0;   // started, not finished, now (a gauge)
  uint64_t completed = 0;   // = histogram.total()
  stats::Histogram histogram;  // latencies in ticks (empty when frozen)
  uint64_t max_ticks = 0;
  double ticks_per_ns = 1.0;
  // Set for a removed probe whose final figures the agent froze: latency()
  // returns them, the histogram stays empty.
  std::optional<LatencyNs> frozen_latency;

  // Nearest-rank p50/p90/p99 (bucket midpoints, capped at the maximum) and
  // the maximum, in ns; zeros when nothing completed.
  LatencyNs latency() const;
};

// The figures of `probe` read from `reader`; with no reader (no stats
// region), zeros or the frozen final figures.
ProbeFigures probe_figures(const ProbeEntry& probe, const stats::StatsReader* reader);

// The figures of the interval between two snapshots of one probe: counters
// and histogram buckets subtracted (saturating); in_flight, a gauge, is the
// later snapshot's. The interval's maximum is exact when it set a new
// all-time maximum (later.max > earlier.max), else it is estimated as the
// midpoint of the highest non-empty bucket of the interval (within 6.25%, and
// never above the all-time maximum). A frozen probe has an empty interval
// (in_flight aside).
ProbeFigures interval_figures(const ProbeFigures& earlier, const ProbeFigures& later);

// A probe entry of the startup report (src/agent/report_writer.cpp), the
// schema of `clrprobe stats --json`: id, selector, state, methods (names),
// refused, note (when any), method_details (the probe object's method
// entries), calls, exceptions, cancelled, in_flight, latency_ns {p50, p90,
// p99, max}.
nlohmann::json probe_report_json(const ProbeEntry& probe, const ProbeFigures& figures);

// Adds each method's own figures (its slot minus its baseline) as "figures"
// to the entries of `details` (the probe's "method_details", in the order of
// probe.methods). Nothing for a removed probe: only its totals were frozen.
void add_method_figures(const ProbeEntry& probe, const stats::StatsReader* reader, nlohmann::json* details);

// {"pid": N, "probes": [probe_report_json...]} for every probe of `file`,
// with per-method figures (add_method_figures).
nlohmann::json report_json(int32_t pid, const ProbesFile& file, const stats::StatsReader* reader);

}  // namespace clrprobe::figures
