#include "export/latency_buckets.h"

#include <algorithm>
#include <array>

namespace clrprobe::exporter {
namespace {

// Ten steps per decade (the Renard R10 series, rounded: every step is 25 %
// or 28 % above the previous one), 100 ns .. 10 s.
constexpr std::array<uint64_t, 10> kDecadeSteps = {100, 125, 160, 200, 250, 320, 400, 500, 640, 800};
constexpr std::size_t kDecades = 8;  // 100 ns .. 1 s, then 10 s closes the list

constexpr std::array<uint64_t, kDecades * kDecadeSteps.size() + 1> kBoundsNs = [] {
  std::array<uint64_t, kDecades * kDecadeSteps.size() + 1> bounds{};
  uint64_t scale = 1;  // 100 ns * scale
  std::size_t i = 0;
  for (std::size_t d = 0; d < kDecades; ++d, scale *= 10) {
    for (uint64_t step : kDecadeSteps) bounds[i++] = step * scale;
  }
  bounds[i] = 100 * scale;
  return bounds;
}();
static_assert(kBoundsNs.front() == 100 && kBoundsNs.back() == 10'000'000'000ull);

const std::array<double, kBoundsNs.size()> kBoundsSeconds = [] {
  std::array<double, kBoundsNs.size()> seconds{};
  // ns / 1e9 with both operands exact: the double nearest to the decimal
  // bound, which prints as "2.5e-07" and not "2.5000000000000004e-07".
  for (std::size_t i = 0; i < kBoundsNs.size(); ++i) seconds[i] = static_cast<double>(kBoundsNs[i]) / 1e9;
  return seconds;
}();

}  // namespace

std::span<const uint64_t> latency_bounds_ns() { return kBoundsNs; }
std::span<const double> latency_bounds_seconds() { return kBoundsSeconds; }

CollapsedLatency collapse_latency(const stats::Histogram& ticks, uint64_t max_ticks, double ticks_per_ns) {
  CollapsedLatency out;
  if (!(ticks_per_ns > 0)) ticks_per_ns = 1.0;
  const auto& counts = ticks.counts();
  for (uint32_t i = 0; i < stats::kBucketCount; ++i) {
    const uint64_t n = counts[i];
    if (n == 0) continue;
    uint64_t representative = stats::bucket_midpoint(i);
    if (max_ticks != 0) representative = std::min(representative, max_ticks);
    const double ns = static_cast<double>(representative) / ticks_per_ns;
    // First bound >= ns (upper bounds are inclusive in both formats).
    const auto* it = std::lower_bound(kBoundsNs.begin(), kBoundsNs.end(), ns,
                                      [](uint64_t bound, double v) { return static_cast<double>(bound) < v; });
    out.counts[static_cast<std::size_t>(it - kBoundsNs.begin())] += n;
    out.count += n;
    out.sum_seconds += static_cast<double>(n) * ns / 1e9;
  }
  if (out.count != 0) out.max_seconds = static_cast<double>(max_ticks) / ticks_per_ns / 1e9;
  return out;
}

std::vector<uint64_t> cumulative_counts(const std::vector<uint64_t>& counts) {
  std::vector<uint64_t> running(counts.size());
  uint64_t total = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) running[i] = total += counts[i];
  return running;
}

}  // namespace clrprobe::exporter
