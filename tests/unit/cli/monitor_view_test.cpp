// What `clrprobe monitor` draws (src/cli/monitor_view.h).
#include "cli/monitor_view.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace clrprobe::cli {
namespace {

using testing::FakeRegion;
using testing::method_json;

std::vector<figures::ProbeEntry> probes_for(int32_t slot) {
  auto probe = figures::parse_probe_object(
      {{"id", 1}, {"selector", "Ns.T::A"}, {"state", "active"}, {"methods", {method_json("Ns.T::A()", slot)}}});
  EXPECT_TRUE(probe.ok());
  return {*probe};
}

// The data line of a one-probe table.
std::string row(const std::string& table) {
  std::size_t start = table.find('\n') + 1;
  return table.substr(start, table.find('\n', start) - start);
}

TEST(MonitorView, FirstSampleHasNoRateOrIntervalLatency) {
  FakeRegion region;
  int32_t a = region.add_slot("Ns.T::A()");
  region.record(a, 1000);
  auto reader = region.reader();
  MonitorSample sample = take_sample(probes_for(a), &reader);
  std::string table = render_monitor_table(nullptr, sample, {});
  EXPECT_EQ(table.substr(0, table.find('\n')),
            "ID  STATE   SELECTOR  CALLS/S  CALLS  EXC  CANC  IN FLIGHT  P50  P90  P99  MAX");
  EXPECT_EQ(row(table), " 1  active  Ns.T::A         -      1    0     0          0    -    -    -    -");
  // Cumulative latencies need no previous sample.
  table = render_monitor_table(nullptr, sample, {.cumulative = true});
  EXPECT_EQ(row(table), " 1  active  Ns.T::A         -      1    0     0          0  1.00 µs  1.00 µs  1.00 µs  1.00 µs");
}

TEST(MonitorView, RateAndLatencyOfTheInterval) {
  FakeRegion region;
  int32_t a = region.add_slot("Ns.T::A()");
  for (int i = 0; i < 50; ++i) region.record(a, 1'000'000);  // 1 ms before
  auto reader = region.reader();
  MonitorSample before = take_sample(probes_for(a), &reader);
  for (int i = 0; i < 10; ++i) region.record(a, 2000, i < 2);  // 2 µs during
  MonitorSample after = take_sample(probes_for(a), &reader);
  after.taken = before.taken + std::chrono::seconds(2);

  std::string table = render_monitor_table(&before, after, {});
  // 2 µs falls in the bucket [1920, 2048): its midpoint is 1.98 µs.
  EXPECT_EQ(row(table), " 1  active  Ns.T::A       5.0     60    2     0          0  1.98 µs  1.98 µs  1.98 µs  1.98 µs")
      << table;
  table = render_monitor_table(&before, after, {.cumulative = true});
  EXPECT_NE(row(table).find("1.00 ms"), std::string::npos) << table;

  // Idle interval: rate 0, no latency.
  MonitorSample idle = take_sample(probes_for(a), &reader);
  idle.taken = after.taken + std::chrono::seconds(1);
  EXPECT_EQ(row(render_monitor_table(&after, idle, {})),
            " 1  active  Ns.T::A       0.0     60    2     0          0    -    -    -    -");
}

TEST(MonitorView, CancelledIsATotalAndInFlightThePendingCallsNow) {
  FakeRegion region;
  int32_t a = region.add_slot("Ns.T::A()");
  region.record_cancelled(a, 1000);
  region.enter(a, 3);
  auto reader = region.reader();
  MonitorSample before = take_sample(probes_for(a), &reader);
  region.record_cancelled(a, 1000);
  region.enter(a, 1);
  MonitorSample after = take_sample(probes_for(a), &reader);
  after.taken = before.taken + std::chrono::seconds(1);
  // Both modes: 2 cancelled since the probe attached, 4 pending now.
  for (bool cumulative : {false, true}) {
    const std::string line = row(render_monitor_table(&before, after, {.cumulative = cumulative}));
    const std::string figures = " 1  active  Ns.T::A       2.0      6    0     2          4";
    EXPECT_EQ(line.substr(0, figures.size()), figures) << line;
  }
}

TEST(MonitorView, NoProbes) {
  MonitorSample empty;
  EXPECT_EQ(render_monitor_table(nullptr, empty, {}), "no probes (add one with `clrprobe add`)\n");
}

TEST(MonitorView, RatesAreShort) {
  EXPECT_EQ(format_rate(0), "0.0");
  EXPECT_EQ(format_rate(0.25), "0.2");
  EXPECT_EQ(format_rate(9.94), "9.9");
  EXPECT_EQ(format_rate(12.5), "13");
  EXPECT_EQ(format_rate(12345.6), "12,346");
  EXPECT_EQ(format_rate(-1), "-");
}

}  // namespace
}  // namespace clrprobe::cli
