// What `clrprobe monitor` draws each interval, computed from two samples of
// the probes' figures (no terminal handling here, so it can be tested).
//
//   CALLS/S     calls entered during the interval / its length
//   CALLS, EXC  totals since each probe attached
//   CANC        idem, async calls whose task was cancelled
//   IN FLIGHT   calls started and not finished now (pending tasks); a gauge,
//               so the same in both modes
//   P50..MAX    latencies of the calls completed during the interval (the
//               bucket-wise difference of the two cumulative histograms);
//               "-" when none completed. The interval's MAX is exact when it
//               is a new all-time maximum, else the top bucket's midpoint.
//               With cumulative = true: of every call since the probe attached.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "figures/probe_figures.h"
#include "figures/probes_file.h"

namespace clrprobe::cli {

struct MonitorSample {
  std::vector<figures::ProbeEntry> probes;
  std::map<int64_t, figures::ProbeFigures> figures;  // by probe id
  std::chrono::steady_clock::time_point taken;
};

MonitorSample take_sample(std::vector<figures::ProbeEntry> probes, const stats::StatsReader* reader);

struct MonitorViewOptions {
  bool cumulative = false;
  std::size_t max_width = 0;  // 0 = no limit
};

// The table for `current`; `previous` (may be null: rates print "-") is the
// sample one interval earlier.
std::string render_monitor_table(const MonitorSample* previous, const MonitorSample& current,
                                 const MonitorViewOptions& options);

// 0.25 -> "0.3", 12.5 -> "13", 12345.6 -> "12,346"; negative -> "-".
std::string format_rate(double per_second);

}  // namespace clrprobe::cli
