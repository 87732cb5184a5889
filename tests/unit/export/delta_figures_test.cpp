// Delta temporality (src/export/delta_figures.h).
#include "export/delta_figures.h"

#include <gtest/gtest.h>

namespace clrprobe::exporter {
namespace {

HostSnapshot scan(uint64_t time, uint64_t calls, uint64_t fast_calls, uint64_t slow_calls, uint64_t max_ticks) {
  HostSnapshot s;
  s.time_unix_ns = time;
  ProcessSnapshot p;
  p.key = {10, 20};
  ProbeSnapshot probe;
  probe.id = 1;
  MethodFigures m;
  m.method = "A::B()";
  m.calls = calls;
  m.exceptions = calls / 10;
  m.in_flight = 3;
  m.ticks.record(1000, fast_calls);
  m.ticks.record(1'000'000, slow_calls);
  m.max_ticks = max_ticks;
  m.start_unix_ns = 500;  // the probe's addition
  m.latency = collapse_latency(m.ticks, m.max_ticks, 1.0);
  probe.methods.push_back(m);
  p.probes.push_back(probe);
  s.processes.push_back(p);
  return s;
}

const MethodFigures& only(const HostSnapshot& s) { return s.processes.at(0).probes.at(0).methods.at(0); }

TEST(DeltaFigures, TheFirstPushCarriesEverythingSinceTheProbeWasAdded) {
  DeltaFigures d;
  const HostSnapshot out = d.deltas(scan(1000, 50, 40, 10, 1'000'100));
  EXPECT_EQ(only(out).calls, 50u);
  EXPECT_EQ(only(out).start_unix_ns, 500u);
  EXPECT_EQ(only(out).ticks.total(), 50u);
}

TEST(DeltaFigures, LaterPushesCarryTheChangeSinceTheLastAcceptedOne) {
  DeltaFigures d;
  d.deltas(scan(1000, 50, 40, 10, 1'000'100));
  d.commit();
  const HostSnapshot out = d.deltas(scan(2000, 80, 65, 15, 1'000'100));
  const MethodFigures& m = only(out);
  EXPECT_EQ(m.calls, 30u);
  EXPECT_EQ(m.exceptions, 3u);
  EXPECT_EQ(m.in_flight, 3u);  // a gauge: as it is
  EXPECT_EQ(m.start_unix_ns, 1000u);
  EXPECT_EQ(m.ticks.total(), 30u);
  EXPECT_EQ(m.latency.count, 30u);
  // No new maximum: the interval's highest bucket's midpoint, capped at the maximum.
  EXPECT_LE(m.max_ticks, 1'000'100u);
  EXPECT_GT(m.max_ticks, 900'000u);
}

TEST(DeltaFigures, AFailedPushIsNotCommittedSoTheNextOneCarriesItsFiguresToo) {
  DeltaFigures d;
  d.deltas(scan(1000, 50, 40, 10, 1'000'100));
  d.commit();
  d.deltas(scan(2000, 80, 65, 15, 1'000'100));  // not delivered
  const HostSnapshot out = d.deltas(scan(3000, 90, 70, 20, 2'000'000));
  EXPECT_EQ(only(out).calls, 40u);
  EXPECT_EQ(only(out).start_unix_ns, 1000u);
  EXPECT_EQ(only(out).max_ticks, 2'000'000u);  // a new maximum is exact
}

}  // namespace
}  // namespace clrprobe::exporter
