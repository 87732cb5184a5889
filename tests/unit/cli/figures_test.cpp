// The probe figures aggregation (src/figures/probe_figures.h).
#include "figures/probe_figures.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace clrprobe::figures {
namespace {

using cli::testing::FakeRegion;
using cli::testing::method_json;
using nlohmann::json;

double mid(uint64_t v) { return static_cast<double>(stats::bucket_midpoint(stats::bucket_index(v))); }

ProbeEntry probe_of(const json& object) {
  auto probe = parse_probe_object(object);
  EXPECT_TRUE(probe.ok()) << (probe.ok() ? "" : probe.error().describe());
  return probe.ok() ? *probe : ProbeEntry{};
}

class FiguresTest : public ::testing::Test {
 protected:
  FakeRegion region;
  int32_t a = region.add_slot("Ns.T::A()");
  int32_t b = region.add_slot("Ns.T::B()");
  int32_t c = region.add_slot("Ns.T::C()");
};

TEST_F(FiguresTest, SumsCountsMergesHistogramsAndTakesTheLargestMax) {
  region.record(a, 100);
  region.record(a, 200, /*exception=*/true, /*stripe=*/3);
  region.record(a, 300, false, 7);
  region.record(b, 1000);
  region.record(b, 5000, true, 15);
  region.record(c, 999'999);  // not part of the probe
  auto reader = region.reader();
  ProbeEntry probe = probe_of({{"id", 1}, {"selector", "Ns.T::*"}, {"state", "active"},
                               {"methods", {method_json("Ns.T::A()", a), method_json("Ns.T::B()", b)}}});

  ProbeFigures f = probe_figures(probe, &reader);
  EXPECT_EQ(f.calls, 5u);
  EXPECT_EQ(f.exceptions, 2u);
  EXPECT_EQ(f.completed, 5u);
  EXPECT_EQ(f.max_ticks, 5000u);
  LatencyNs l = f.latency();
  EXPECT_DOUBLE_EQ(l.p50, mid(300));   // rank 3 of 5
  EXPECT_DOUBLE_EQ(l.p90, 5000);       // rank 5: the exact maximum
  EXPECT_DOUBLE_EQ(l.p99, 5000);
  EXPECT_DOUBLE_EQ(l.max, 5000);
}

TEST_F(FiguresTest, CallsInFlightCountAsCallsButNotLatencies) {
  region.record(a, 100);
  region.enter(a, 4, 2);
  auto reader = region.reader();
  ProbeFigures f = probe_figures(probe_of({{"id", 1}, {"methods", {method_json("A", a)}}}), &reader);
  EXPECT_EQ(f.calls, 5u);
  EXPECT_EQ(f.completed, 1u);
}

TEST_F(FiguresTest, ACountOnlyMethodCountsCallsButNeverCallsInFlight) {
  // a: a full probe with 4 calls still running; b: "timed": false, 6 calls that never complete.
  region.record(a, 100);
  region.enter(a, 4);
  region.enter(b, 6);
  auto reader = region.reader();
  json untimed = method_json("B", b);
  untimed["timed"] = false;
  untimed["measures"] = "calls only (tail calls)";
  ProbeFigures f = probe_figures(probe_of({{"id", 1}, {"methods", {method_json("A", a), untimed}}}), &reader);
  EXPECT_EQ(f.calls, 11u);
  EXPECT_EQ(f.in_flight, 4u);  // not 10
  EXPECT_EQ(f.completed, 1u);
}

TEST_F(FiguresTest, SubtractsEachMethodsBaseline) {
  for (int i = 0; i < 10; ++i) region.record(a, 100, i < 4);
  for (int i = 0; i < 3; ++i) region.record(b, 100, true);
  auto reader = region.reader();
  // A was shared with an earlier probe: 6 calls and 3 exceptions happened before.
  ProbeEntry probe = probe_of({{"id", 2}, {"methods", {method_json("A", a, 6, 3), method_json("B", b)}}});
  ProbeFigures f = probe_figures(probe, &reader);
  EXPECT_EQ(f.calls, 4u + 3u);
  EXPECT_EQ(f.exceptions, 1u + 3u);
}

TEST_F(FiguresTest, CancelledSubtractsItsBaselineButInFlightIsAGaugeWithoutOne) {
  for (int i = 0; i < 7; ++i) region.record(a, 100);
  for (int i = 0; i < 3; ++i) region.record_cancelled(a, 100, /*stripe=*/2);
  region.enter(a, 4);  // pending tasks
  for (int i = 0; i < 2; ++i) region.record_cancelled(b, 100);
  region.enter(b, 1, /*stripe=*/15);
  auto reader = region.reader();
  // A was shared: 6 calls, 2 of them cancelled, before this probe. B's entry is
  // an older agent's: no cancelled baseline (0).
  ProbeEntry probe = probe_of({{"id", 2}, {"methods", {method_json("A", a, 6, 0, 2), method_json("B", b, 1, 0)}}});
  ProbeFigures f = probe_figures(probe, &reader);
  EXPECT_EQ(f.cancelled, (3u - 2u) + 2u);
  EXPECT_EQ(f.exceptions, 0u);  // a cancelled task is not an exception
  // Pending now, whenever they started: 4 + 1, although the baselines exceed them.
  EXPECT_EQ(f.in_flight, 5u);
  EXPECT_EQ(f.calls, (14u - 6u) + (3u - 1u));
}

TEST_F(FiguresTest, BaselineAboveTheCountSaturatesAtZero) {
  region.record_cancelled(a, 100);
  auto reader = region.reader();
  ProbeFigures f = probe_figures(probe_of({{"id", 1}, {"methods", {method_json("A", a, 50, 50, 50)}}}), &reader);
  EXPECT_EQ(f.calls, 0u);
  EXPECT_EQ(f.exceptions, 0u);
  EXPECT_EQ(f.cancelled, 0u);
}

TEST_F(FiguresTest, ASlotListedTwiceCountsOnce) {
  region.record(a, 100);
  region.record(a, 100);
  auto reader = region.reader();
  ProbeFigures f =
      probe_figures(probe_of({{"id", 1}, {"methods", {method_json("A", a), method_json("A again", a)}}}), &reader);
  EXPECT_EQ(f.calls, 2u);
  EXPECT_EQ(f.completed, 2u);
}

TEST_F(FiguresTest, RemovedProbeKeepsItsFinalFigures) {
  for (int i = 0; i < 20; ++i) region.record(a, 100);  // calls after the removal (another probe)
  auto reader = region.reader();
  json object = {{"id", 3},
                 {"state", "removed"},
                 {"methods", {method_json("A", a)}},
                 {"final", {{"calls", 7}, {"exceptions", 1}, {"cancelled", 2}, {"in_flight", 3},
                            {"latency_ns", {{"p50", 10.0}, {"p90", 20.0}, {"p99", 30.0}, {"max", 40.0}}}}}};
  region.enter(a, 9);  // pending in the slot now: not the frozen probe's
  ProbeFigures f = probe_figures(probe_of(object), &reader);
  EXPECT_EQ(f.calls, 7u);
  EXPECT_EQ(f.exceptions, 1u);
  EXPECT_EQ(f.cancelled, 2u);
  EXPECT_EQ(f.in_flight, 3u);
  LatencyNs l = f.latency();
  EXPECT_DOUBLE_EQ(l.p50, 10.0);
  EXPECT_DOUBLE_EQ(l.max, 40.0);

  // An older agent froze neither figure: 0.
  object["final"].erase("cancelled");
  object["final"].erase("in_flight");
  ProbeFigures old = probe_figures(probe_of(object), &reader);
  EXPECT_EQ(old.cancelled, 0u);
  EXPECT_EQ(old.in_flight, 0u);

  // Without final figures a removed probe reads its slots.
  object.erase("final");
  EXPECT_EQ(probe_figures(probe_of(object), &reader).calls, 29u);
  EXPECT_EQ(probe_figures(probe_of(object), &reader).in_flight, 9u);
}

TEST_F(FiguresTest, PendingProbeAndUnknownSlotsAreZero) {
  region.record(a, 100);
  auto reader = region.reader();
  ProbeFigures pending = probe_figures(
      probe_of({{"id", 4}, {"state", "pending"}, {"methods", json::array()}}), &reader);
  EXPECT_EQ(pending.calls, 0u);
  EXPECT_DOUBLE_EQ(pending.latency().p99, 0.0);
  // No slot yet (-1), and a slot outside the region: skipped.
  ProbeFigures odd = probe_figures(
      probe_of({{"id", 5}, {"methods", {method_json("X", -1), method_json("Y", 100000), method_json("A", a)}}}),
      &reader);
  EXPECT_EQ(odd.calls, 1u);
}

TEST_F(FiguresTest, WithoutARegionFiguresAreZero) {
  ProbeFigures f = probe_figures(probe_of({{"id", 1}, {"methods", {method_json("A", a)}}}), nullptr);
  EXPECT_EQ(f.calls, 0u);
  EXPECT_EQ(f.completed, 0u);
}

TEST_F(FiguresTest, IntervalSubtractsCountsAndBuckets) {
  ProbeEntry probe = probe_of({{"id", 1}, {"methods", {method_json("A", a)}}});
  for (int i = 0; i < 100; ++i) region.record(a, 10'000);  // earlier: slow
  auto reader = region.reader();
  ProbeFigures before = probe_figures(probe, &reader);
  for (int i = 0; i < 10; ++i) region.record(a, 100, i == 0);  // the interval: fast
  ProbeFigures after = probe_figures(probe, &reader);

  ProbeFigures delta = interval_figures(before, after);
  EXPECT_EQ(delta.calls, 10u);
  EXPECT_EQ(delta.exceptions, 1u);
  EXPECT_EQ(delta.completed, 10u);
  LatencyNs l = delta.latency();
  EXPECT_DOUBLE_EQ(l.p50, mid(100));
  EXPECT_DOUBLE_EQ(l.p99, mid(100));
  EXPECT_DOUBLE_EQ(l.max, mid(100));  // not a new maximum: the top bucket's midpoint
  EXPECT_DOUBLE_EQ(after.latency().max, 10'000);

  // A new all-time maximum in the interval is exact.
  region.record(a, 123'457);
  ProbeFigures later = probe_figures(probe, &reader);
  ProbeFigures delta2 = interval_figures(after, later);
  EXPECT_EQ(delta2.completed, 1u);
  EXPECT_DOUBLE_EQ(delta2.latency().max, 123'457);
  EXPECT_DOUBLE_EQ(delta2.latency().p50, 123'457);

  // Nothing happened: empty interval, zero latencies.
  ProbeFigures idle = interval_figures(later, probe_figures(probe, &reader));
  EXPECT_EQ(idle.calls, 0u);
  EXPECT_EQ(idle.completed, 0u);
  EXPECT_DOUBLE_EQ(idle.latency().max, 0.0);
}

TEST_F(FiguresTest, IntervalSubtractsCancelledButKeepsTheLaterInFlight) {
  ProbeEntry probe = probe_of({{"id", 1}, {"methods", {method_json("A", a)}}});
  region.record_cancelled(a, 100);
  region.enter(a, 5);
  auto reader = region.reader();
  ProbeFigures before = probe_figures(probe, &reader);
  for (int i = 0; i < 3; ++i) region.record_cancelled(a, 100);
  region.enter(a, 2);
  ProbeFigures after = probe_figures(probe, &reader);
  ProbeFigures delta = interval_figures(before, after);
  EXPECT_EQ(delta.cancelled, 3u);
  EXPECT_EQ(delta.in_flight, 7u);  // the gauge's value at the end, not 7 - 5

  // Fewer pending than before: still the later value (a difference would saturate at 0).
  ProbeFigures fewer = after;
  fewer.in_flight = 1;
  EXPECT_EQ(interval_figures(after, fewer).in_flight, 1u);
}

TEST_F(FiguresTest, ReportJsonHasTheStartupReportSchema) {
  region.record(a, 100);
  region.record(a, 300, true);
  region.record_cancelled(a, 100);
  region.enter(a, 2);
  auto reader = region.reader();
  ProbeEntry probe = probe_of({{"id", 9},
                               {"selector", "Ns.T::A"},
                               {"state", "active"},
                               {"methods", {method_json("Ns.T::A()", a, 0, 0)}},
                               {"refused", {{{"method", "Ns.I::A()"}, {"reason", "no_il_body: abstract"}}}},
                               {"note", "hello"}});
  json entry = probe_report_json(probe, probe_figures(probe, &reader));
  EXPECT_EQ(entry["id"], 9);
  EXPECT_EQ(entry["selector"], "Ns.T::A");
  EXPECT_EQ(entry["state"], "active");
  EXPECT_EQ(entry["methods"], json::array({"Ns.T::A()"}));
  EXPECT_EQ(entry["refused"][0]["reason"], "no_il_body: abstract");
  EXPECT_EQ(entry["note"], "hello");
  EXPECT_EQ(entry["method_details"][0]["slot"], a);
  EXPECT_EQ(entry["calls"], 5);
  EXPECT_EQ(entry["exceptions"], 1);
  EXPECT_EQ(entry["cancelled"], 1);
  EXPECT_EQ(entry["in_flight"], 2);
  EXPECT_DOUBLE_EQ(entry["latency_ns"]["p50"].get<double>(), mid(100));
  EXPECT_DOUBLE_EQ(entry["latency_ns"]["max"].get<double>(), 300);
  for (const char* key : {"p50", "p90", "p99", "max"}) EXPECT_TRUE(entry["latency_ns"].contains(key)) << key;

  ProbesFile file;
  file.pid = 77;
  file.probes = {probe};
  json report = report_json(77, file, &reader);
  EXPECT_EQ(report["pid"], 77);
  ASSERT_EQ(report["probes"].size(), 1u);
  // The report adds each method's own figures; the rest is the entry.
  json listed = report["probes"][0];
  const json method_figures = listed["method_details"][0]["figures"];
  listed["method_details"][0].erase("figures");
  EXPECT_EQ(listed, entry);
  EXPECT_EQ(method_figures["calls"], 5);
  EXPECT_EQ(method_figures["in_flight"], 2);
}

TEST_F(FiguresTest, EachMethodOfAProbeHasItsOwnFiguresInTheReport) {
  region.record(a, 100);
  region.record(a, 200, /*exception=*/true);
  region.record(b, 1000);
  region.enter(b, 2, 0);
  auto reader = region.reader();
  ProbeEntry probe = probe_of({{"id", 1}, {"selector", "Ns.T::*"}, {"state", "active"},
                               {"methods", {method_json("Ns.T::A()", a), method_json("Ns.T::B()", b)}}});
  ProbesFile file;
  file.probes = {probe};
  json report = report_json(1, file, &reader);
  const json& details = report["probes"][0]["method_details"];
  ASSERT_EQ(details.size(), 2u);
  EXPECT_EQ(details[0]["figures"]["calls"], 2);
  EXPECT_EQ(details[0]["figures"]["exceptions"], 1);
  EXPECT_EQ(details[1]["figures"]["calls"], 3);
  EXPECT_EQ(details[1]["figures"]["in_flight"], 2);
  EXPECT_EQ(report["probes"][0]["calls"], 5);
}

}  // namespace
}  // namespace clrprobe::figures
