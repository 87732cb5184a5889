// Collapsing our log-linear buckets onto the published boundaries.
#include "export/latency_buckets.h"

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

TEST(LatencyBounds, AreOneTwoAndAHalfFiveStepsFrom100NsTo10S) {
  const auto ns = latency_bounds_ns();
  const auto s = latency_bounds_seconds();
  ASSERT_EQ(ns.size(), 25u);
  ASSERT_EQ(s.size(), ns.size());
  EXPECT_EQ(ns.front(), 100u);
  EXPECT_EQ(ns[1], 250u);
  EXPECT_EQ(ns[2], 500u);
  EXPECT_EQ(ns[3], 1000u);
  EXPECT_EQ(ns.back(), 10'000'000'000u);
  for (std::size_t i = 1; i < ns.size(); ++i) {
    EXPECT_LT(ns[i - 1], ns[i]);
    EXPECT_LT(s[i - 1], s[i]);
  }
  EXPECT_EQ(s.front(), 1e-7);
  EXPECT_EQ(s[1], 2.5e-7);
  EXPECT_EQ(s[12], 1e-3);
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
  h.record(3'000'000);     // 3 ms -> le 5 ms
  h.record(20'000'000'000);  // 20 s -> +Inf
  CollapsedLatency c = collapse_latency(h, 20'000'000'000, 1.0);
  EXPECT_EQ(c.count, 7u);
  EXPECT_EQ(c.counts[index_of_bound_ns(100)], 2u);
  EXPECT_EQ(c.counts[index_of_bound_ns(250)], 1u);
  EXPECT_EQ(c.counts[index_of_bound_ns(1000)], 2u);
  EXPECT_EQ(c.counts[index_of_bound_ns(5'000'000)], 1u);
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
