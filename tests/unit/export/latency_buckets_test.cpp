// Collapsing our log-linear buckets onto the published boundaries.
#include "export/latency_buckets.h"

#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace clrprobe::exporter {
namespace {

std::size_t index_of_bound_ns(uint64_t ns) {
  const auto bounds = latency_bounds_ns();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (bounds[i] == ns) return i;
  }
  ADD_FAILURE() << ns << " ns is not a bound";
  return 0;
}

TEST(LatencyBounds, AreTenStepsPerDecadeFrom100NsTo10S) {
  const auto ns = latency_bounds_ns();
  const auto s = latency_bounds_seconds();
  ASSERT_EQ(ns.size(), 81u);
  ASSERT_EQ(s.size(), ns.size());
  const uint64_t first_decade[] = {100, 125, 160, 200, 250, 320, 400, 500, 640, 800, 1000};
  for (std::size_t i = 0; i < std::size(first_decade); ++i) EXPECT_EQ(ns[i], first_decade[i]);
  EXPECT_EQ(ns.back(), 10'000'000'000u);
  for (std::size_t i = 1; i < ns.size(); ++i) {
    EXPECT_LT(ns[i - 1], ns[i]);
    EXPECT_LT(s[i - 1], s[i]);
    // No step wider than 28 %: what keeps histogram_quantile() close.
    EXPECT_LE(static_cast<double>(ns[i]) / static_cast<double>(ns[i - 1]), 1.28 + 1e-12) << ns[i];
  }
  EXPECT_EQ(s.front(), 1e-7);
  EXPECT_EQ(s[1], 1.25e-7);
  EXPECT_EQ(s[40], 1e-3);
  EXPECT_EQ(s.back(), 10.0);
}

TEST(CollapseLatency, EmptyHistogramIsAllZero) {
  CollapsedLatency c = collapse_latency(stats::Histogram{}, 0, 1.0);
  EXPECT_EQ(c.counts.size(), latency_bounds_ns().size() + 1);
  EXPECT_EQ(c.count, 0u);
  EXPECT_EQ(c.sum_seconds, 0.0);
  EXPECT_EQ(c.max_seconds, 0.0);
  for (uint64_t n : c.counts) EXPECT_EQ(n, 0u);
}

TEST(CollapseLatency, EachCallGoesToTheFirstBoundAtOrAboveItsBucketMidpoint) {
  stats::Histogram h;
  h.record(50);            // exact bucket: <= 100 ns
  h.record(100);           // [96, 104): midpoint 100 -> le 100 ns
  h.record(240);           // [240, 256): midpoint 248 -> le 250 ns
  h.record(1000, 2);       // [960, 1024): midpoint 992 -> le 1 us
  h.record(3'000'000);     // 3 ms -> le 3.2 ms
  h.record(20'000'000'000);  // 20 s -> +Inf
  CollapsedLatency c = collapse_latency(h, 20'000'000'000, 1.0);
  EXPECT_EQ(c.count, 7u);
  EXPECT_EQ(c.counts[index_of_bound_ns(100)], 2u);
  EXPECT_EQ(c.counts[index_of_bound_ns(250)], 1u);
  EXPECT_EQ(c.counts[index_of_bound_ns(1000)], 2u);
  EXPECT_EQ(c.counts[index_of_bound_ns(3'200'000)], 1u);
  EXPECT_EQ(c.counts.back(), 1u);
  uint64_t total = 0;
  for (uint64_t n : c.counts) total += n;
  EXPECT_EQ(total, c.count);
  EXPECT_DOUBLE_EQ(c.max_seconds, 20.0);
}

TEST(CollapseLatency, SumCountsEveryCallAtItsBucketMidpointCappedAtTheMaximum) {
  stats::Histogram h;
  h.record(100);   // midpoint 100
  h.record(1000);  // midpoint 992
  CollapsedLatency c = collapse_latency(h, 5000, 1.0);
  EXPECT_NEAR(c.sum_seconds, (100 + 992) / 1e9, 1e-18);
  // Within 6.25% of the true sum.
  EXPECT_NEAR(c.sum_seconds, 1100 / 1e9, 1100 / 1e9 * 0.0625);

  // Alone in its bucket, the maximum is the better representative.
  stats::Histogram one;
  one.record(970);  // [960, 1024), midpoint 992 > the exact maximum 970
  CollapsedLatency d = collapse_latency(one, 970, 1.0);
  EXPECT_DOUBLE_EQ(d.sum_seconds, 970 / 1e9);
  EXPECT_DOUBLE_EQ(d.max_seconds, 970 / 1e9);
}

TEST(CollapseLatency, ConvertsTicksToSeconds) {
  stats::Histogram h;
  h.record(2500);  // 1000 ns at 2.5 ticks/ns; bucket [2304, 2560): midpoint 2432 ticks = 972.8 ns
  h.record(250);   // 100 ns; bucket [240, 256): midpoint 248 ticks = 99.2 ns
  CollapsedLatency c = collapse_latency(h, 2500, 2.5);
  EXPECT_EQ(c.counts[index_of_bound_ns(1000)], 1u);
  EXPECT_EQ(c.counts[index_of_bound_ns(100)], 1u);
  EXPECT_DOUBLE_EQ(c.max_seconds, 1e-6);
  EXPECT_NEAR(c.sum_seconds, (972.8 + 99.2) / 1e9, 1e-15);
}

TEST(CollapseLatency, BadCalibrationCountsTicksAsNanoseconds) {
  stats::Histogram h;
  h.record(50);
  CollapsedLatency c = collapse_latency(h, 50, 0.0);
  EXPECT_EQ(c.counts[0], 1u);
  EXPECT_DOUBLE_EQ(c.max_seconds, 50e-9);
}

TEST(CumulativeCounts, AreRunningTotalsEndingWithTheCount) {
  stats::Histogram h;
  for (uint64_t v : {10u, 300u, 300u, 7000u, 2'000'000u, 900'000'000u}) h.record(v);
  CollapsedLatency c = collapse_latency(h, 900'000'000, 1.0);
  std::vector<uint64_t> running = cumulative_counts(c.counts);
  ASSERT_EQ(running.size(), c.counts.size());
  for (std::size_t i = 1; i < running.size(); ++i) EXPECT_LE(running[i - 1], running[i]) << i;
  EXPECT_EQ(running.back(), c.count);
  EXPECT_EQ(running.front(), c.counts.front());
}

}  // namespace
}  // namespace clrprobe::exporter

namespace clrprobe::exporter {
namespace {

// Prometheus' histogram_quantile() over one series' buckets: the bucket
// holding the rank, linear interpolation inside it (from 0 for the first
// bucket), the highest finite bound for a rank in +Inf.
double histogram_quantile(double q, const std::vector<uint64_t>& counts) {
  const std::vector<uint64_t> running = cumulative_counts(counts);
  const auto bounds = latency_bounds_seconds();
  const double rank = q * static_cast<double>(running.back());
  std::size_t b = 0;
  while (b < running.size() && static_cast<double>(running[b]) < rank) ++b;
  if (b >= bounds.size()) return bounds.back();
  const double start = b == 0 ? 0.0 : bounds[b - 1];
  const double below = b == 0 ? 0.0 : static_cast<double>(running[b - 1]);
  const double in_bucket = static_cast<double>(running[b]) - below;
  return start + (bounds[b] - start) * ((rank - below) / in_bucket);
}

TEST(PrometheusQuantiles, HistogramQuantileIsWithinTenPercentOfTheAgentsP50AndP99OnLogNormalLatencies) {
  // Log-normal latencies from 2 us to 50 ms, narrow and wide, alone and as a
  // mix of a fast path and a slow one (a cache: 90 % hits).
  std::mt19937_64 random(1414);
  struct Mix {
    double median_ns;
    double sigma;
    double slow_median_ns;  // 0: no slow path
  };
  const Mix mixes[] = {{2e3, 0.5, 0},  {50e3, 0.25, 0}, {50e3, 1.0, 0},   {800e3, 0.6, 0},
                       {20e6, 0.4, 0}, {50e6, 1.2, 0},  {30e3, 0.4, 3e6}, {200e3, 0.8, 40e6}};
  for (const Mix& mix : mixes) {
    std::lognormal_distribution<double> fast(std::log(mix.median_ns), mix.sigma);
    std::lognormal_distribution<double> slow(std::log(mix.slow_median_ns > 0 ? mix.slow_median_ns : 1), mix.sigma);
    std::bernoulli_distribution is_slow(mix.slow_median_ns > 0 ? 0.1 : 0.0);
    stats::Histogram h;
    uint64_t max = 0;
    for (int i = 0; i < 100'000; ++i) {
      const auto v = static_cast<uint64_t>(is_slow(random) ? slow(random) : fast(random));
      h.record(v);
      max = std::max(max, v);
    }
    const CollapsedLatency c = collapse_latency(h, max, 1.0);
    for (const double p : {50.0, 99.0}) {
      const double agent = static_cast<double>(h.percentile(p, max)) / 1e9;  // what `clrprobe stats` says
      const double prometheus = histogram_quantile(p / 100, c.counts);
      EXPECT_NEAR(prometheus, agent, 0.10 * agent)
          << "median " << mix.median_ns << " ns, sigma " << mix.sigma << ", slow " << mix.slow_median_ns << ": p" << p;
    }
  }
}

}  // namespace
}  // namespace clrprobe::exporter
