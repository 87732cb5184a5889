#include "export/exponential_latency.h"

#include <algorithm>
#include <cmath>

namespace clrprobe::exporter {

double exponential_lower_bound(int32_t index, int32_t scale) {
  return std::exp2(std::ldexp(static_cast<double>(index), -scale));
}

int32_t exponential_index(double v, int32_t scale) {
  // ceil(log2(v) * 2^scale) - 1, corrected against the exact edges: log2()
  // may be off by an ulp exactly at an edge (e.g. a power of two).
  auto index = static_cast<int32_t>(std::ceil(std::ldexp(std::log2(v), scale))) - 1;
  if (v <= exponential_lower_bound(index, scale)) --index;
  if (v > exponential_lower_bound(index + 1, scale)) ++index;
  return index;
}

ExponentialLatency exponential_latency(const stats::Histogram& ticks, uint64_t max_ticks, double ticks_per_ns,
                                       int32_t scale) {
  ExponentialLatency out;
  out.scale = scale;
  if (!(ticks_per_ns > 0)) ticks_per_ns = 1.0;
  const auto& counts = ticks.counts();
  bool any = false;
  int32_t lowest = 0;
  int32_t highest = 0;
  std::vector<std::pair<int32_t, uint64_t>> placed;
  for (uint32_t i = 0; i < stats::kBucketCount; ++i) {
    const uint64_t n = counts[i];
    if (n == 0) continue;
    uint64_t representative = stats::bucket_midpoint(i);
    if (max_ticks != 0) representative = std::min(representative, max_ticks);
    out.count += n;
    if (representative == 0) {
      out.zero_count += n;
      continue;
    }
    const double seconds = static_cast<double>(representative) / ticks_per_ns / 1e9;
    out.sum_seconds += static_cast<double>(n) * seconds;
    const int32_t index = exponential_index(seconds, scale);
    lowest = any ? std::min(lowest, index) : index;
    highest = any ? std::max(highest, index) : index;
    any = true;
    placed.emplace_back(index, n);
  }
  if (any) {
    out.offset = lowest;
    out.counts.assign(static_cast<std::size_t>(highest - lowest) + 1, 0);
    for (const auto& [index, n] : placed) out.counts[static_cast<std::size_t>(index - lowest)] += n;
  }
  if (out.count != 0) out.max_seconds = static_cast<double>(max_ticks) / ticks_per_ns / 1e9;
  return out;
}

}  // namespace clrprobe::exporter
