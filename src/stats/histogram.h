// Log-linear (HDR-style) latency histogram with fixed memory.
//
// Values are unsigned 64-bit integers (clock ticks on the hit path). Values
// below kSubBuckets get one exact bucket each; above that, every power of two
// [2^e, 2^(e+1)) is split into kSubBuckets equal sub-buckets. With 8
// sub-buckets a bucket is at most 1/8 of its lower bound wide, so the midpoint
// is within 1/16 (6.25%) of every value it stands for. 496 buckets cover the
// whole uint64 range: nothing is ever clamped, and one stripe of counters
// (see region_layout.h) fits in exactly one 4 KiB page.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace clrprobe::stats {

inline constexpr uint32_t kSubBucketBits = 3;
inline constexpr uint32_t kSubBuckets = 1u << kSubBucketBits;  // 8
inline constexpr uint32_t kBucketCount =
    ((64 - kSubBucketBits + 1) << kSubBucketBits);  // 496, covers [0, 2^64)

// Value -> bucket. Monotonic (non-decreasing) in v. Branch is predictable:
// real latencies are always >= 8 ticks.
constexpr uint32_t bucket_index(uint64_t v) noexcept {
  if (v < kSubBuckets) return static_cast<uint32_t>(v);
  const uint32_t e = 63u - static_cast<uint32_t>(__builtin_clzll(v));  // >= 3
  const uint32_t shift = e - kSubBucketBits;
  return ((shift + 1) << kSubBucketBits) +
         static_cast<uint32_t>((v >> shift) & (kSubBuckets - 1));
}

// Smallest value that maps to bucket i (i < kBucketCount).
constexpr uint64_t bucket_lower(uint32_t i) noexcept {
  if (i < kSubBuckets) return i;
  const uint32_t group = i >> kSubBucketBits;  // >= 1
  const uint64_t sub = i & (kSubBuckets - 1);
  return (kSubBuckets + sub) << (group - 1);
}

// Number of distinct values in bucket i.
constexpr uint64_t bucket_width(uint32_t i) noexcept {
  if (i < kSubBuckets) return 1;
  return uint64_t{1} << ((i >> kSubBucketBits) - 1);
}

// Largest value that maps to bucket i (inclusive; no overflow at the top).
constexpr uint64_t bucket_last(uint32_t i) noexcept {
  return bucket_lower(i) + (bucket_width(i) - 1);
}

// Representative value of bucket i: its midpoint (exact for width-1 buckets).
constexpr uint64_t bucket_midpoint(uint32_t i) noexcept {
  return bucket_lower(i) + bucket_width(i) / 2;
}

// Merged bucket counts (reader side; the hit path writes raw stripe memory).
class Histogram {
 public:
  using Counts = std::array<uint64_t, kBucketCount>;

  void record(uint64_t value, uint64_t count = 1) noexcept {
    counts_[bucket_index(value)] += count;
  }
  void add_bucket(uint32_t index, uint64_t count) noexcept {
    if (index < kBucketCount) counts_[index] += count;
  }
  void merge(const Histogram& other) noexcept;

  uint64_t total() const noexcept;
  const Counts& counts() const noexcept { return counts_; }

  // Nearest-rank percentile (p in [0, 100]) as a bucket midpoint, capped at
  // max_value when given (the exact maximum is tracked separately): no
  // percentile exceeds the real maximum and p100 is the maximum itself.
  // UINT64_MAX means "maximum unknown". 0 when empty.
  uint64_t percentile(double p, uint64_t max_value = UINT64_MAX) const noexcept;

 private:
  Counts counts_{};
};

}  // namespace clrprobe::stats
