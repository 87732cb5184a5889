#include "agent/probe_json.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "stats/hit_path.h"
#include "stats/stats_reader.h"
#include "stats/stats_region.h"

namespace clrprobe::agent {
// A namespace of its own, not an anonymous one: its helpers (sel) share a unity batch
// with other files that define their own.
namespace probe_json_test {

selector::Selector sel(const char* text) {
  auto parsed = selector::Selector::parse(text);
  EXPECT_TRUE(parsed.ok()) << text;
  // A selector of the test itself failed to parse (reported above): go on with another one.
  return parsed.ok() ? std::move(*parsed) : *selector::Selector::parse("Test.Selector::Invalid");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

constexpr MethodKey kTimed{0x2000, 0x06000001};
constexpr MethodKey kTail{0x2000, 0x06000002};

ProbeCoverage count_only_coverage() {
  ProbeCoverage c;
  c.shape = il::ProbeShape::CountOnly;
  c.count_only_reason = "tail calls";
  return c;
}

// A registry with one probe over a timed method (slot 0) and a count-only one (slot 1).
struct TwoMethods {
  ProbeRegistry registry;
  uint32_t id = 0;
  TwoMethods() {
    id = registry.add_probe(sel("Fs.Parity::*"), ProbeState::Active, ProbeSource::Control);
    registry.attach(id, kTimed, "Fs.Parity::check(int32)", "Fs", MethodMeasure::Call);
    registry.attach(id, kTail, "Fs.Parity::isEven(int32)", "Fs", MethodMeasure::Call);
    registry.mark_instrumented(kTimed, 0, 0);
    registry.mark_instrumented(kTail, 1, 0, count_only_coverage());
  }
  Probe probe() const { return *registry.probe(id); }
};

TEST(ProbeJson, AProbeObjectListsEachMethodWithItsSlotAndWhatTheProbeIs) {
  ProbeRegistry registry;
  const uint32_t id = registry.add_probe(sel("Shop!Shop.Cart::*"), ProbeState::Active, ProbeSource::File);
  registry.attach(id, kTimed, "Shop.Cart::Add(int32)", "Shop", MethodMeasure::Call);
  registry.mark_instrumented(kTimed, 5, 0);
  registry.refuse(id, RefusedMethod{"Shop.Cart::Abstract()", "no_il_body: abstract method"});
  const nlohmann::json object = probe_object(*registry.probe(id), registry);
  EXPECT_EQ(object["id"], id);
  EXPECT_EQ(object["selector"], "Shop!Shop.Cart::*");
  EXPECT_EQ(object["state"], "active");
  EXPECT_EQ(object["source"], "file");
  ASSERT_EQ(object["methods"].size(), 1u);
  const nlohmann::json& method = object["methods"][0];
  EXPECT_EQ(method["name"], "Shop.Cart::Add(int32)");
  EXPECT_EQ(method["slot"], 5);
  EXPECT_EQ(method["async"], false);
  EXPECT_FALSE(method.contains("measures"));  // a plain call
  EXPECT_FALSE(method.contains("timed"));
  EXPECT_FALSE(method.contains("baseline"));
  EXPECT_EQ(object["refused"][0]["reason"], "no_il_body: abstract method");
  EXPECT_EQ(object["methods_total"], 1);
  EXPECT_EQ(object["refused_total"], 1);
  EXPECT_FALSE(object.contains("note"));
}

TEST(ProbeJson, ACountOnlyMethodSaysLatencyAndExceptionsAreNotMeasured) {
  TwoMethods setup;
  const nlohmann::json object = probe_object(setup.probe(), setup.registry);
  ASSERT_EQ(object["methods"].size(), 2u);
  EXPECT_FALSE(object["methods"][0].contains("timed"));
  const nlohmann::json& tail = object["methods"][1];
  EXPECT_EQ(tail["measures"], "calls only (tail calls)");
  EXPECT_EQ(tail["timed"], false);
  const std::string note = object.value("note", "");
  EXPECT_TRUE(contains(note, "latency and exceptions not measured")) << note;
  EXPECT_TRUE(contains(note, "Fs.Parity::isEven(int32) (tail calls)")) << note;
  EXPECT_FALSE(contains(note, "check")) << note;  // the timed method is measured
}

TEST(ProbeJson, ANoteNamesThreeMethodsAndCountsTheRest) {
  ProbeRegistry registry;
  const uint32_t id = registry.add_probe(sel("Fs.*::*"), ProbeState::Active, ProbeSource::Control);
  for (uint32_t i = 0; i < 5; ++i) {
    const MethodKey key{0x3000, 0x06000010 + i};
    registry.attach(id, key, "Fs.M::f" + std::to_string(i) + "()", "Fs", MethodMeasure::Call);
    registry.mark_instrumented(key, static_cast<int32_t>(i), 0, count_only_coverage());
  }
  const std::string note = probe_object(*registry.probe(id), registry).value("note", "");
  EXPECT_TRUE(contains(note, "Fs.M::f0() (tail calls), Fs.M::f1() (tail calls), Fs.M::f2() (tail calls) and 2 more"))
      << note;
}

// Implicit tail calls: a Timed probe wraps `call self; ret` in its try; the JSON says how
// many such calls a method has and the note says what that does to the stack.
TEST(ProbeJson, SelfRecursiveTailCallsWrappedInTheTryAreNamedWithTheirEffect) {
  ProbeRegistry registry;
  const uint32_t id = registry.add_probe(sel("Algo.Gcd::*"), ProbeState::Active, ProbeSource::Control);
  registry.attach(id, kTimed, "Algo.Gcd::Of(int32,int32)", "Algo", MethodMeasure::Call);
  ProbeCoverage coverage;
  coverage.self_tail_calls = 1;
  registry.mark_instrumented(kTimed, 0, 0, coverage);
  const nlohmann::json object = probe_object(*registry.probe(id), registry);
  EXPECT_EQ(object["methods"][0]["self_tail_calls"], 1);
  EXPECT_FALSE(object["methods"][0].contains("timed"));  // still fully measured
  const std::string note = object.value("note", "");
  EXPECT_TRUE(contains(note, "each recursion level keeps its stack frame")) << note;
  EXPECT_TRUE(contains(note, "Algo.Gcd::Of(int32,int32)")) << note;
}

TEST(ProbeJson, APendingProbeSaysItAppliesWhenItsAssemblyLoads) {
  ProbeRegistry registry;
  const uint32_t id = registry.add_probe(sel("Late!Late.*::*"), ProbeState::Pending, ProbeSource::Startup);
  const nlohmann::json object = probe_object(*registry.probe(id), registry);
  EXPECT_EQ(object["state"], "pending");
  EXPECT_EQ(object["source"], "startup");
  EXPECT_TRUE(contains(object.value("note", ""), "applies when a matching assembly loads"));
}

TEST(ProbeJson, ARemovedProbeListsAHundredMethodsUnlessTheListMustBeComplete) {
  ProbeRegistry registry;
  const uint32_t id = registry.add_probe(sel("Big.*::*"), ProbeState::Active, ProbeSource::Control);
  for (uint32_t i = 0; i < 150; ++i) {
    const MethodKey key{0x4000, 0x06000100 + i};
    registry.attach(id, key, "Big.T::M" + std::to_string(i) + "()", "Big", MethodMeasure::Call);
    registry.mark_instrumented(key, static_cast<int32_t>(i), 0);
  }
  ASSERT_TRUE(registry.remove_probe(id, {{"calls", 3}}).has_value());
  const Probe probe = *registry.probe(id);
  const nlohmann::json cut = probe_object(probe, registry);
  EXPECT_EQ(cut["methods"].size(), 100u);
  EXPECT_EQ(cut["methods_total"], 150);
  EXPECT_EQ(cut["final"]["calls"], 3);
  EXPECT_EQ(probe_object(probe, registry, /*complete=*/true)["methods"].size(), 150u);
}

class ProbeJsonFigures : public ::testing::Test {
 protected:
  void SetUp() override {
    auto region = stats::StatsRegion::create_anonymous(8, stats::ClockChoice::ForceMonotonic);
    ASSERT_TRUE(region.ok()) << region.error().describe();
    region_ = std::move(*region);
    stats::StatsRegion::install_global(region_.get());
    ASSERT_EQ(*region_->allocate_slot("Fs.Parity::check(int32)", "Fs"), 0);
    ASSERT_EQ(*region_->allocate_slot("Fs.Parity::isEven(int32)", "Fs"), 1);
  }
  void TearDown() override { stats::StatsRegion::install_global(nullptr); }

  stats::StatsReader reader() const {
    auto r = stats::StatsReader::view(region_->bytes());
    EXPECT_TRUE(r.ok());
    return std::move(*r);
  }

  std::unique_ptr<stats::StatsRegion> region_;
};

TEST_F(ProbeJsonFigures, CountOnlyCallsAreCountedButNeverInFlight) {
  TwoMethods setup;
  // The timed method: three calls, two returned, one still running.
  clrprobe_hit_leave(0, clrprobe_hit_enter(0));
  clrprobe_hit_leave(0, clrprobe_hit_enter(0));
  (void)clrprobe_hit_enter(0);
  // The count-only method: five calls, no completions ever.
  for (int i = 0; i < 5; ++i) clrprobe_hit_count(1);
  const stats::StatsReader r = reader();
  const nlohmann::json figures = probe_figures(setup.probe(), setup.registry, &r);
  EXPECT_EQ(figures["calls"], 8);
  EXPECT_EQ(figures["exceptions"], 0);
  EXPECT_EQ(figures["in_flight"], 1);  // the timed call only, not 5 count-only calls
}

TEST_F(ProbeJsonFigures, AProbeCountsFromItsOwnStartAndARemovedOneKeepsItsFinalFigures) {
  ProbeRegistry registry([&](int32_t slot) {
    auto snapshot = reader().snapshot(slot);
    return SlotCounts{snapshot->calls, snapshot->exceptions, snapshot->cancelled};
  });
  const uint32_t early = registry.add_probe(sel("Fs.Parity::check"), ProbeState::Active, ProbeSource::Control);
  registry.attach(early, kTimed, "Fs.Parity::check(int32)", "Fs", MethodMeasure::Call);
  registry.mark_instrumented(kTimed, 0, 0);
  for (int i = 0; i < 4; ++i) clrprobe_hit_leave(0, clrprobe_hit_enter(0));
  clrprobe_hit_exception(0, clrprobe_hit_enter(0));
  const uint32_t late = registry.add_probe(sel("Fs.*::check"), ProbeState::Active, ProbeSource::Control);
  registry.attach(late, kTimed, "Fs.Parity::check(int32)", "Fs", MethodMeasure::Call);
  for (int i = 0; i < 2; ++i) clrprobe_hit_leave(0, clrprobe_hit_enter(0));

  const stats::StatsReader r = reader();
  EXPECT_EQ(probe_figures(*registry.probe(early), registry, &r)["calls"], 7);
  EXPECT_EQ(probe_figures(*registry.probe(early), registry, &r)["exceptions"], 1);
  EXPECT_EQ(probe_figures(*registry.probe(late), registry, &r)["calls"], 2);
  EXPECT_EQ(probe_figures(*registry.probe(late), registry, &r)["exceptions"], 0);

  const nlohmann::json frozen = {{"calls", 42}, {"exceptions", 0}};
  ASSERT_TRUE(registry.remove_probe(late, frozen).has_value());
  EXPECT_EQ(probe_figures(*registry.probe(late), registry, &r), frozen);
}

}  // namespace probe_json_test
}  // namespace clrprobe::agent
