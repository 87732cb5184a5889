// The latency histogram on fixed bounds (Prometheus, OTLP explicit buckets):
// our log-linear buckets (stats/histogram.h, 496 buckets in clock ticks)
// collapsed onto one set of boundaries in seconds, the same for every series,
// process and host, so that Prometheus' histogram_quantile() and OTLP backends
// can aggregate them.
//
// Boundaries: ten per decade, 1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.4, 8 × 10^k,
// from 100 ns to 10 s (81 upper bounds, then +Inf). Each is 25-28 % above the
// previous one: fine enough that histogram_quantile() (linear within a
// bucket) stays within 10 % of the agent's own p50 and p99 on log-normal
// latencies (test PrometheusQuantiles.*), where the former 1/2.5/5 steps
// could be off by 2.5x. A source bucket goes, whole, to the first boundary at
// or above its representative value: its midpoint in ns, capped at the exact
// maximum (the value `clrprobe stats` uses for percentiles). A source bucket
// is at most 1/8 of its lower edge wide, so a call of latency v is counted as
// "<= b" exactly when v <= b, except for calls within 6.25% of b.
//
// The sum (Prometheus _sum, OTLP sum) is approximate for the same reason:
// every call counts as its source bucket's representative value (within
// 6.25% of the true latency). The count and the maximum are exact.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "stats/histogram.h"

namespace clrprobe::exporter {

// Upper bounds in ns (strictly increasing): 100, 125, 160, 200, ..., 8e9, 1e10.
std::span<const uint64_t> latency_bounds_ns();
// The same bounds in seconds (what both exporters publish).
std::span<const double> latency_bounds_seconds();

struct CollapsedLatency {
  // Calls per published bucket, not cumulative: counts[i] for
  // (bound[i-1], bound[i]], the last one above the highest bound (+Inf).
  // Size latency_bounds_ns().size() + 1.
  std::vector<uint64_t> counts = std::vector<uint64_t>(latency_bounds_ns().size() + 1, 0);
  uint64_t count = 0;        // = sum of counts
  double sum_seconds = 0;    // approximate (see above)
  double max_seconds = 0;    // exact; 0 when count is 0
};

// Collapses a histogram of latencies in ticks (ticks_per_ns > 0; 1 for a
// monotonic-clock region). max_ticks is the exact maximum (0 when unknown).
CollapsedLatency collapse_latency(const stats::Histogram& ticks, uint64_t max_ticks, double ticks_per_ns);

// Running totals of counts (Prometheus _bucket values); the last is the count.
std::vector<uint64_t> cumulative_counts(const std::vector<uint64_t>& counts);

}  // namespace clrprobe::exporter
