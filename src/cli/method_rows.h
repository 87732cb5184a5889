// Per-method figures (`stats --by-method`, `monitor --by-method`): a probe
// such as 'MyApp.Orders.*::*' matches many methods, and the user needs the
// slow one. One row per (probe, method with a stats slot): its own figures
// (figures::probe_figures restricted to that method, so the rows of a probe
// sum to the probe's calls, exceptions and cancelled), the interval's rate,
// and the total time spent in it, estimated from the latency histogram
// (each bucket's count times its midpoint: within 6.25%).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "figures/probe_figures.h"
#include "figures/probes_file.h"

namespace clrprobe::cli {

enum class MethodSort { Total, Calls, P99 };

// "total", "calls", "p99" (the --sort values); nullopt otherwise.
std::optional<MethodSort> parse_method_sort(const std::string& text);

struct PerMethodOptions {
  bool by_method = false;
  std::string sort = "total";  // --sort
  std::optional<int> top;      // --top N
};

// A method's figures within one probe, keyed by (probe id, slot).
using MethodKey = std::pair<int64_t, int32_t>;
using MethodFiguresMap = std::map<MethodKey, figures::ProbeFigures>;

MethodFiguresMap method_figures(const std::vector<figures::ProbeEntry>& probes, const stats::StatsReader* reader);

struct MethodRow {
  int64_t probe_id = 0;
  std::string method;
  uint64_t calls = 0;
  uint64_t exceptions = 0;
  uint64_t cancelled = 0;
  std::optional<double> calls_per_second;  // monitor only
  bool has_latency = false;                // calls completed (in the interval shown)
  figures::LatencyNs latency;              // p50, p99, max (ns)
  double total_ns = 0;                     // time spent in completed calls (shown span)
};

// Total time in ns of the completed calls a histogram holds.
double histogram_total_ns(const figures::ProbeFigures& figures);

// Rows for `now` (cumulative figures). With `before` and seconds > 0: the
// rate over the interval, and unless `cumulative`, the latencies and total
// time of the interval. Sorted (descending) and cut to `top`.
std::vector<MethodRow> method_rows(const std::vector<figures::ProbeEntry>& probes, const MethodFiguresMap& now,
                                   const MethodFiguresMap* before, double seconds, bool cumulative, MethodSort sort,
                                   std::optional<int> top);

nlohmann::json method_rows_json(const std::vector<MethodRow>& rows);

// PROBE METHOD CALLS [CALLS/S] EXC P50 P99 MAX TOTAL
std::string render_method_table(const std::vector<MethodRow>& rows, bool with_rate, std::size_t max_width);

}  // namespace clrprobe::cli
