// The latency histogram as an OTLP exponential histogram
// (src/export/exponential_latency.h).
#include "export/exponential_latency.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace clrprobe::exporter {
namespace {

TEST(ExponentialIndex, BucketsAreUpperInclusiveEvenAtPowersOfTwo) {
  // Scale 3: bucket i is (2^(i/8), 2^((i+1)/8)].
  EXPECT_EQ(exponential_index(1.0, 3), -1);
  EXPECT_EQ(exponential_index(1.0001, 3), 0);
  EXPECT_EQ(exponential_index(2.0, 3), 7);
  EXPECT_EQ(exponential_index(0.5, 3), -9);
  EXPECT_EQ(exponential_index(std::exp2(1.0 / 8), 3), 0);
  EXPECT_EQ(exponential_index(1e-6, 3), static_cast<int32_t>(std::ceil(std::log2(1e-6) * 8)) - 1);
  for (double v : {3e-9, 1e-7, 4.2e-5, 0.123, 7.0, 1234.5}) {
    const int32_t i = exponential_index(v, 3);
    EXPECT_LT(exponential_lower_bound(i, 3), v) << v;
    EXPECT_GE(exponential_lower_bound(i + 1, 3), v) << v;
  }
}

TEST(ExponentialLatency, CountsEveryCallOnceWithZerosInTheZeroBucketAndTheExactMax) {
  stats::Histogram h;
  h.record(0, 2);
  h.record(1000, 3);
  h.record(1'000'000, 5);
  const ExponentialLatency e = exponential_latency(h, 1'000'123, 1.0);
  EXPECT_EQ(e.scale, 3);
  EXPECT_EQ(e.count, 10u);
  EXPECT_EQ(e.zero_count, 2u);
  uint64_t positive = 0;
  for (uint64_t n : e.counts) positive += n;
  EXPECT_EQ(positive, 8u);
  EXPECT_GT(e.counts.front(), 0u);  // no empty buckets at either end
  EXPECT_GT(e.counts.back(), 0u);
  EXPECT_DOUBLE_EQ(e.max_seconds, 1'000'123e-9);
  EXPECT_NEAR(e.sum_seconds, 3e-6 + 5e-3, 0.0625 * (3e-6 + 5e-3));
  // The call of about 1 us is in the bucket holding 1 us.
  EXPECT_EQ(e.offset,
            exponential_index(static_cast<double>(stats::bucket_midpoint(stats::bucket_index(1000))) / 1e9, 3));
}

TEST(ExponentialLatency, ConvertsTicksWithTheCalibration) {
  stats::Histogram h;
  h.record(3000);  // 3000 ticks at 3 ticks/ns: 1 us
  const ExponentialLatency e = exponential_latency(h, 3000, 3.0);
  ASSERT_EQ(e.counts.size(), 1u);
  EXPECT_EQ(e.offset, exponential_index(1e-6, 3));
  EXPECT_DOUBLE_EQ(e.max_seconds, 1e-6);
}

TEST(ExponentialLatency, EmptyIsEmpty) {
  const ExponentialLatency e = exponential_latency(stats::Histogram{}, 0, 1.0);
  EXPECT_EQ(e.count, 0u);
  EXPECT_TRUE(e.counts.empty());
  EXPECT_EQ(e.max_seconds, 0.0);
}

// The value a backend reads for quantile q: the geometric middle of the
// bucket holding the rank (what Prometheus and most OTLP backends do).
double quantile(const ExponentialLatency& e, double q) {
  const double rank = std::ceil(q * static_cast<double>(e.count));
  double seen = static_cast<double>(e.zero_count);
  if (seen >= rank) return 0;
  for (std::size_t i = 0; i < e.counts.size(); ++i) {
    seen += static_cast<double>(e.counts[i]);
    if (seen >= rank) {
      const auto index = e.offset + static_cast<int32_t>(i);
      return std::sqrt(exponential_lower_bound(index, e.scale) * exponential_lower_bound(index + 1, e.scale));
    }
  }
  return 0;
}

TEST(ExponentialLatency, QuantilesStayWithinFivePercentOfTheAgentsOwn) {
  // Log-normal latencies around 50 us, 800 us and 20 ms, alone and mixed.
  std::mt19937_64 random(14);
  for (const double median_ns : {50e3, 800e3, 20e6}) {
    for (const double sigma : {0.3, 1.0}) {
      stats::Histogram h;
      std::lognormal_distribution<double> latency(std::log(median_ns), sigma);
      uint64_t max = 0;
      for (int i = 0; i < 20000; ++i) {
        const auto v = static_cast<uint64_t>(latency(random));
        h.record(v);
        max = std::max(max, v);
      }
      const ExponentialLatency e = exponential_latency(h, max, 1.0);
      for (const double p : {50.0, 90.0, 99.0}) {
        const double agent = static_cast<double>(h.percentile(p, max)) / 1e9;
        EXPECT_NEAR(quantile(e, p / 100), agent, 0.05 * agent)
            << "median " << median_ns << " sigma " << sigma << " p" << p;
      }
    }
  }
}

}  // namespace
}  // namespace clrprobe::exporter
