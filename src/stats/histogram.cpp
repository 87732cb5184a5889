#include "stats/histogram.h"

#include <algorithm>
#include <cmath>

namespace clrprobe::stats {

static_assert(bucket_index(0) == 0 && bucket_index(7) == 7);
static_assert(bucket_index(8) == 8 && bucket_index(15) == 15);
static_assert(bucket_index(16) == 16 && bucket_index(17) == 16);
static_assert(bucket_index(UINT64_MAX) == kBucketCount - 1);
static_assert(bucket_last(kBucketCount - 1) == UINT64_MAX);

void Histogram::merge(const Histogram& other) noexcept {
  for (uint32_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
}

uint64_t Histogram::total() const noexcept {
  uint64_t sum = 0;
  for (uint64_t c : counts_) sum += c;
  return sum;
}

uint64_t Histogram::percentile(double p, uint64_t max_value) const noexcept {
  const uint64_t n = total();
  if (n == 0) return 0;
  if (!(p >= 0.0)) p = 0.0;  // also catches NaN
  if (p > 100.0) p = 100.0;
  // Nearest rank: the smallest value with at least ceil(p/100 * n) values at
  // or below it; rank 1 for p = 0.
  double wanted = std::ceil(p / 100.0 * static_cast<double>(n));
  uint64_t rank = wanted < 1.0 ? 1 : static_cast<uint64_t>(wanted);
  if (rank > n) rank = n;
  uint64_t seen = 0;
  for (uint32_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      // The top rank is the maximum itself when the caller knows it.
      if (rank == n && max_value != UINT64_MAX && bucket_index(max_value) == i) return max_value;
      return std::min(bucket_midpoint(i), max_value);
    }
  }
  return std::min(bucket_midpoint(kBucketCount - 1), max_value);  // unreachable
}

}  // namespace clrprobe::stats
