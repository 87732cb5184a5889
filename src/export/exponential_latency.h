// The latency histogram as an OTLP exponential histogram (base 2^(2^-scale)),
// which keeps the agent's precision where the fixed explicit buckets of
// latency_buckets.h cannot.
//
// The agent's buckets (stats/histogram.h) split every power of two into 8
// equal parts, so a bucket is 1/15 to 1/8 of its lower edge wide. Scale 3
// splits every power of two into 8 geometric parts (each 2^(1/8) - 1 = 9.05 %
// wide): the same resolution. The two grids do not coincide (linear against
// geometric sub-buckets, ticks against seconds), so each agent bucket goes,
// whole, to the exponential bucket holding its representative value (its
// midpoint capped at the exact maximum, what `clrprobe stats` uses): a call
// is counted within 6.25 % (agent) + 9.05 % (one exponential bucket) of its
// latency, and a quantile read from the exponential buckets' midpoints is
// within about 5 % of the agent's own (ExponentialLatency tests).
//
// Exponential bucket i holds the values v with base^i < v <= base^(i+1)
// (OTLP's upper-inclusive rule). A call of 0 ticks goes to the zero bucket.
#pragma once

#include <cstdint>
#include <vector>

#include "stats/histogram.h"

namespace clrprobe::exporter {

inline constexpr int32_t kExponentialScale = 3;

struct ExponentialLatency {
  int32_t scale = kExponentialScale;
  uint64_t zero_count = 0;
  int32_t offset = 0;            // index of counts[0]
  std::vector<uint64_t> counts;  // positive buckets offset, offset+1, ... (empty when none)
  uint64_t count = 0;            // zero_count + sum of counts
  double sum_seconds = 0;        // approximate (representative values)
  double max_seconds = 0;        // exact; 0 when count is 0
};

// The index of the exponential bucket holding v (> 0) at `scale`.
int32_t exponential_index(double v, int32_t scale);
// The lower edge of bucket `index` (base^index).
double exponential_lower_bound(int32_t index, int32_t scale);

ExponentialLatency exponential_latency(const stats::Histogram& ticks, uint64_t max_ticks, double ticks_per_ns,
                                       int32_t scale = kExponentialScale);

}  // namespace clrprobe::exporter
