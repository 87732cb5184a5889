#include "stats/histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <algorithm>
#include <random>
#include <vector>

namespace clrprobe::stats {
namespace {

TEST(HistogramBuckets, SmallValuesAreExact) {
  for (uint64_t v = 0; v < 16; ++v) {
    EXPECT_EQ(bucket_index(v), v);
    EXPECT_EQ(bucket_lower(static_cast<uint32_t>(v)), v);
    EXPECT_EQ(bucket_width(static_cast<uint32_t>(v)), 1u);
  }
}

TEST(HistogramBuckets, BoundsRoundTripForEveryBucket) {
  for (uint32_t i = 0; i < kBucketCount; ++i) {
    EXPECT_EQ(bucket_index(bucket_lower(i)), i) << i;
    EXPECT_EQ(bucket_index(bucket_last(i)), i) << i;
    EXPECT_EQ(bucket_index(bucket_midpoint(i)), i) << i;
    if (i + 1 < kBucketCount) {
      EXPECT_EQ(bucket_last(i) + 1, bucket_lower(i + 1)) << i;
    }
  }
  EXPECT_EQ(bucket_lower(0), 0u);
  EXPECT_EQ(bucket_last(kBucketCount - 1), UINT64_MAX);
}

TEST(HistogramBuckets, MonotonicOverDenseAndSparseValues) {
  uint32_t prev = 0;
  for (uint64_t v = 0; v < 200'000; ++v) {
    const uint32_t b = bucket_index(v);
    ASSERT_GE(b, prev) << v;
    ASSERT_LE(b, prev + 1) << v;  // no bucket skipped
    prev = b;
  }
  std::mt19937_64 rng(42);
  std::vector<uint64_t> values(100'000);
  for (auto& v : values) v = rng() >> (rng() % 64);
  std::sort(values.begin(), values.end());
  for (size_t i = 1; i < values.size(); ++i)
    ASSERT_LE(bucket_index(values[i - 1]), bucket_index(values[i]));
}

TEST(HistogramBuckets, MidpointWithinStatedRelativeError) {
  // Stated bound: a bucket is at most 1/kSubBuckets of its lower bound wide,
  // so the midpoint is within 1/(2*kSubBuckets) = 6.25% of any value in it.
  const double bound = 1.0 / (2.0 * kSubBuckets);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1'000'000; ++i) {
    const uint64_t v = (rng() >> (rng() % 64)) | 1;
    const uint64_t mid = bucket_midpoint(bucket_index(v));
    const double err = std::fabs(static_cast<double>(mid) - static_cast<double>(v)) /
                       static_cast<double>(v);
    ASSERT_LE(err, bound) << v;
    const double width = static_cast<double>(bucket_width(bucket_index(v)));
    ASSERT_LE(width, std::max(1.0, static_cast<double>(bucket_lower(bucket_index(v))) / kSubBuckets));
  }
}

TEST(HistogramPercentile, EmptyIsZero) {
  Histogram h;
  EXPECT_EQ(h.total(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
}

TEST(HistogramPercentile, UniformOneToTenThousand) {
  Histogram h;
  for (uint64_t v = 1; v <= 10'000; ++v) h.record(v);
  EXPECT_EQ(h.total(), 10'000u);
  for (double p : {1.0, 10.0, 25.0, 50.0, 90.0, 99.0, 99.9}) {
    const double expected = p / 100.0 * 10'000.0;
    const double got = static_cast<double>(h.percentile(p));
    EXPECT_NEAR(got, expected, expected / 16.0 + 1.0) << "p" << p;
  }
  EXPECT_EQ(h.percentile(100, 10'000), 10'000u);  // capped at the exact max
  EXPECT_EQ(h.percentile(0), 1u);
}

TEST(HistogramPercentile, BimodalDistribution) {
  Histogram h;
  h.record(100, 900);        // 90% fast calls at 100
  h.record(1'000'000, 100);  // 10% slow calls at 1 ms
  EXPECT_NEAR(static_cast<double>(h.percentile(50)), 100.0, 100.0 / 16);
  EXPECT_NEAR(static_cast<double>(h.percentile(90)), 100.0, 100.0 / 16);
  EXPECT_NEAR(static_cast<double>(h.percentile(90.1)), 1e6, 1e6 / 16);
  EXPECT_NEAR(static_cast<double>(h.percentile(99)), 1e6, 1e6 / 16);
}

TEST(HistogramPercentile, ExponentialDistributionMatchesExactQuantiles) {
  std::mt19937_64 rng(1234);
  std::exponential_distribution<double> dist(1.0 / 50'000.0);  // mean 50 us in ns
  std::vector<uint64_t> values(200'000);
  Histogram h;
  uint64_t max = 0;
  for (auto& v : values) {
    v = static_cast<uint64_t>(dist(rng)) + 1;
    h.record(v);
    max = std::max(max, v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * values.size()));
    const double exact = static_cast<double>(values[rank - 1]);
    const double got = static_cast<double>(h.percentile(p, max));
    EXPECT_NEAR(got, exact, exact / 16.0 + 1.0) << "p" << p;
  }
  EXPECT_EQ(h.percentile(100, max), max);
}

TEST(HistogramPercentile, OutOfRangePercentsAreClamped) {
  Histogram h;
  h.record(10);
  h.record(1000);
  EXPECT_EQ(h.percentile(-5), h.percentile(0));
  EXPECT_EQ(h.percentile(500), h.percentile(100));
  EXPECT_EQ(h.percentile(std::nan("")), h.percentile(0));
}

TEST(HistogramMerge, SumsBuckets) {
  Histogram a, b;
  a.record(5, 3);
  b.record(5, 2);
  b.record(1 << 20);
  a.merge(b);
  EXPECT_EQ(a.total(), 6u);
  EXPECT_EQ(a.counts()[bucket_index(5)], 5u);
}

}  // namespace
}  // namespace clrprobe::stats
