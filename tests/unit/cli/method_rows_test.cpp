// Per-method rows (src/cli/method_rows.h) from fabricated figures: the total time, the
// sort orders, --top, the interval rate.
#include "cli/method_rows.h"

#include <gtest/gtest.h>

namespace clrprobe::cli {
namespace {

figures::ProbeFigures figures_of(uint64_t calls, uint64_t latency_ns) {
  figures::ProbeFigures f;
  f.calls = calls;
  f.completed = calls;
  f.histogram.record(latency_ns, calls);
  f.max_ticks = latency_ns;
  f.ticks_per_ns = 1.0;
  return f;
}

figures::ProbeEntry probe_with(int64_t id, std::vector<std::pair<std::string, int32_t>> methods) {
  figures::ProbeEntry p;
  p.id = id;
  p.selector = "Ns.T::*";
  for (auto& [name, slot] : methods) {
    figures::MethodRef m;
    m.name = name;
    m.slot = slot;
    p.methods.push_back(m);
  }
  return p;
}

TEST(MethodRows, TotalTimeIsCallsTimesLatency) {
  // 8 ns: a width-1 bucket, exact.
  EXPECT_DOUBLE_EQ(histogram_total_ns(figures_of(1000, 5)), 5000.0);
  EXPECT_DOUBLE_EQ(histogram_total_ns(figures::ProbeFigures{}), 0.0);
}

TEST(MethodRows, SortedByTotalCallsOrP99AndCutToTop) {
  const std::vector<figures::ProbeEntry> probes = {probe_with(1, {{"Ns.T::Fast", 0}, {"Ns.T::Slow", 1}}),
                                                   probe_with(2, {{"Ns.T::Mid", 2}})};
  MethodFiguresMap now = {{{1, 0}, figures_of(1000, 5)},  // total 5 µs
                          {{1, 1}, figures_of(10, 7)},    // total 70 ns, p99 7
                          {{2, 2}, figures_of(100, 6)}};  // total 600 ns
  auto by_total = method_rows(probes, now, nullptr, 0, true, MethodSort::Total, std::nullopt);
  ASSERT_EQ(by_total.size(), 3u);
  EXPECT_EQ(by_total[0].method, "Ns.T::Fast");
  EXPECT_EQ(by_total[1].method, "Ns.T::Mid");
  EXPECT_EQ(by_total[2].method, "Ns.T::Slow");
  EXPECT_EQ(by_total[1].probe_id, 2);
  auto by_p99 = method_rows(probes, now, nullptr, 0, true, MethodSort::P99, 1);
  ASSERT_EQ(by_p99.size(), 1u);
  EXPECT_EQ(by_p99[0].method, "Ns.T::Slow");
  auto by_calls = method_rows(probes, now, nullptr, 0, true, MethodSort::Calls, 2);
  ASSERT_EQ(by_calls.size(), 2u);
  EXPECT_EQ(by_calls[0].calls, 1000u);
  EXPECT_EQ(by_calls[1].calls, 100u);
  EXPECT_FALSE(by_calls[0].calls_per_second.has_value());
}

TEST(MethodRows, IntervalRateAndLatencyComeFromTheDifference) {
  const std::vector<figures::ProbeEntry> probes = {probe_with(1, {{"Ns.T::M", 0}})};
  MethodFiguresMap before = {{{1, 0}, figures_of(100, 5)}};
  MethodFiguresMap now = {{{1, 0}, figures_of(300, 5)}};
  auto rows = method_rows(probes, now, &before, 2.0, false, MethodSort::Total, std::nullopt);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_TRUE(rows[0].calls_per_second.has_value());
  EXPECT_DOUBLE_EQ(*rows[0].calls_per_second, 100.0);
  EXPECT_EQ(rows[0].calls, 300u);                 // the total since the probe was added
  EXPECT_DOUBLE_EQ(rows[0].total_ns, 200.0 * 5);  // the interval's calls only
  auto json = method_rows_json(rows);
  EXPECT_EQ(json[0]["calls"], 300);
  EXPECT_DOUBLE_EQ(json[0]["calls_per_second"].get<double>(), 100.0);
}

TEST(MethodRows, SortKeysAreTheDocumentedOnes) {
  EXPECT_EQ(parse_method_sort("total"), MethodSort::Total);
  EXPECT_EQ(parse_method_sort("calls"), MethodSort::Calls);
  EXPECT_EQ(parse_method_sort("p99"), MethodSort::P99);
  EXPECT_FALSE(parse_method_sort("max").has_value());
}

}  // namespace
}  // namespace clrprobe::cli
