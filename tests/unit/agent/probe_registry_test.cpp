#include "agent/probe_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

namespace clrprobe::agent {
namespace {

selector::Selector sel(const char* text) {
  auto parsed = selector::Selector::parse(text);
  EXPECT_TRUE(parsed.ok()) << text;
  // A selector of the test itself failed to parse (reported above): go on with another one.
  return parsed.ok() ? std::move(*parsed) : *selector::Selector::parse("Test.Selector::Invalid");
}

constexpr MethodKey kAdd{0x1000, 0x06000001};
constexpr MethodKey kRemove{0x1000, 0x06000002};

// The fingerprint of some instrumented code (rewritten_code.h).
constexpr uint64_t some_code() { return 0x2A; }

TEST(ProbeRegistry, ProbesGetIncreasingIdsAndKeepTheirSelectorStateAndSource) {
  ProbeRegistry registry;
  const uint32_t a = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  const uint32_t b = registry.add_probe(sel("Late!Late.*::*"), ProbeState::Pending, ProbeSource::File);
  EXPECT_LT(a, b);
  auto pa = registry.probe(a);
  auto pb = registry.probe(b);
  ASSERT_TRUE(pa && pb);
  EXPECT_EQ(pa->selector_text, "Shop.Cart::Add");
  EXPECT_EQ(pa->source, ProbeSource::Control);
  EXPECT_EQ(pb->state, ProbeState::Pending);
  EXPECT_EQ(pb->source, ProbeSource::File);
  EXPECT_FALSE(registry.probe(b + 1).has_value());
}

TEST(ProbeRegistry, OnlyTheFirstProbeOfAMethodAsksForItsInstrumentation) {
  ProbeRegistry registry;
  const uint32_t first = registry.add_probe(sel("Shop.Cart::*"), ProbeState::Pending, ProbeSource::Control);
  const uint32_t second = registry.add_probe(sel("Shop.*::Add"), ProbeState::Pending, ProbeSource::Control);
  EXPECT_TRUE(registry.attach(first, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  EXPECT_FALSE(registry.attach(second, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  // The same probe matching the same method again (a second module scan) adds nothing.
  EXPECT_FALSE(registry.attach(first, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  EXPECT_EQ(registry.probe(first)->methods.size(), 1u);
  // A match alone does not make the probe active: its ReJIT is not requested yet.
  EXPECT_EQ(registry.probe(first)->state, ProbeState::Pending);
  registry.activate(first);
  EXPECT_EQ(registry.probe(first)->state, ProbeState::Active);
  EXPECT_EQ(registry.method(kAdd)->probe_count, 2u);
}

TEST(ProbeRegistry, RemovingTheLastProbeWithRevertHandsTheMethodBackForRevert) {
  ProbeRegistry registry;
  const uint32_t first = registry.add_probe(sel("Shop.Cart::*"), ProbeState::Active, ProbeSource::Control);
  const uint32_t second = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  registry.attach(first, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call);
  registry.attach(first, kRemove, "Shop.Cart::Remove()", "Shop", MethodMeasure::Call);
  registry.attach(second, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call);
  registry.mark_instrumented(kAdd, 0, some_code());
  registry.mark_instrumented(kRemove, 1, some_code());
  registry.mark_in_runtime(kAdd);
  registry.mark_in_runtime(kRemove);

  auto unused = registry.remove_probe(first, nlohmann::json::object(), /*revert=*/true);
  ASSERT_TRUE(unused.has_value());
  EXPECT_EQ(*unused, std::vector<MethodKey>{kRemove});  // Add is still probed by `second`
  EXPECT_EQ(registry.probe(first)->state, ProbeState::Removed);
  EXPECT_EQ(instrumentation_of(*registry.method(kRemove)), Instrumentation::Reverted);
  auto last = registry.remove_probe(second, nlohmann::json::object(), /*revert=*/true);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(*last, std::vector<MethodKey>{kAdd});
  // The method stays instrumented (its slot, its code's fingerprint) for a later probe, which
  // needs a ReJIT to install the code again.
  EXPECT_EQ(registry.method(kAdd)->state, MethodState::Instrumented);
  EXPECT_EQ(registry.method(kAdd)->code_fingerprint, some_code());
  const uint32_t again = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  EXPECT_TRUE(registry.attach(again, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
}

TEST(ProbeRegistry, RemovingTheLastProbeDisarmsTheMethodAndAReAddOfTheSameKindReArmsItWithoutReJit) {
  ProbeRegistry registry;
  const uint32_t first = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  ASSERT_TRUE(registry.attach(first, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  registry.mark_instrumented(kAdd, 0, some_code());
  registry.mark_in_runtime(kAdd);
  EXPECT_EQ(instrumentation_of(*registry.method(kAdd)), Instrumentation::Armed);

  auto unused = registry.remove_probe(first, nlohmann::json::object());
  ASSERT_TRUE(unused.has_value());
  EXPECT_TRUE(unused->empty()) << "nothing to revert: the code stays, disarmed";
  EXPECT_EQ(instrumentation_of(*registry.method(kAdd)), Instrumentation::Disarmed);

  const uint32_t again = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  EXPECT_FALSE(registry.attach(again, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  EXPECT_EQ(instrumentation_of(*registry.method(kAdd)), Instrumentation::Armed);

  // remove --revert of a probe removed before: its disarmed methods are handed back.
  ASSERT_TRUE(registry.remove_probe(again, nlohmann::json::object()).has_value());
  EXPECT_EQ(registry.take_disarmed(first), std::vector<MethodKey>{kAdd});
  EXPECT_EQ(instrumentation_of(*registry.method(kAdd)), Instrumentation::Reverted);
  EXPECT_TRUE(registry.take_disarmed(std::nullopt).empty());
}

TEST(ProbeRegistry, AMethodRunsTheRichestKindItsProbesAskForAndAKindChangeNeedsAReJit) {
  ProbeRegistry registry;
  selector::KindSpec count{selector::ProbeKind::Count, 64};
  selector::KindSpec sampled{selector::ProbeKind::Sampled, 16};
  const uint32_t c = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control, count);
  ASSERT_TRUE(registry.attach(c, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  EXPECT_EQ(registry.method(kAdd)->wanted.kind, selector::ProbeKind::Count);
  registry.mark_instrumented(kAdd, 0, some_code(), {}, count);
  registry.mark_in_runtime(kAdd);

  // A richer kind on top: new code (a ReJIT).
  const uint32_t s = registry.add_probe(sel("Shop.*::Add"), ProbeState::Active, ProbeSource::Control, sampled);
  EXPECT_TRUE(registry.attach(s, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  EXPECT_EQ(registry.method(kAdd)->wanted.kind, selector::ProbeKind::Sampled);
  registry.mark_instrumented(kAdd, 0, some_code(), {}, sampled);
  registry.mark_in_runtime(kAdd);
  // A poorer kind shares the richer code; a smaller sample rate is taken without a ReJIT.
  const uint32_t c2 = registry.add_probe(sel("Shop.Cart::A*"), ProbeState::Active, ProbeSource::Control, count);
  EXPECT_FALSE(registry.attach(c2, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  const uint32_t s2 = registry.add_probe(sel("Shop.Cart::Ad*"), ProbeState::Active, ProbeSource::Control,
                                         selector::KindSpec{selector::ProbeKind::Sampled, 4});
  EXPECT_FALSE(registry.attach(s2, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  EXPECT_EQ(registry.method(kAdd)->kind.sample, 4u);

  // Every probe removed, then a count probe again: the code is sampled, so a ReJIT.
  for (uint32_t id : {c, s, c2, s2}) ASSERT_TRUE(registry.remove_probe(id, nullptr).has_value());
  const uint32_t c3 = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control, count);
  EXPECT_TRUE(registry.attach(c3, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  EXPECT_EQ(registry.method(kAdd)->wanted.kind, selector::ProbeKind::Count);
}

TEST(ProbeRegistry, RemovingAProbeTwiceOrAnUnknownIdReturnsNothing) {
  ProbeRegistry registry;
  const uint32_t id = registry.add_probe(sel("A.B::C"), ProbeState::Active, ProbeSource::Control);
  EXPECT_TRUE(registry.remove_probe(id, nullptr).has_value());
  EXPECT_FALSE(registry.remove_probe(id, nullptr).has_value());
  EXPECT_FALSE(registry.remove_probe(id + 100, nullptr).has_value());
}

TEST(ProbeRegistry, RemovedProbesKeepTheirFinalFiguresAndLeaveTheActiveSelectors) {
  ProbeRegistry registry;
  const uint32_t kept = registry.add_probe(sel("A.B::C"), ProbeState::Active, ProbeSource::Control);
  const uint32_t gone = registry.add_probe(sel("D.E::F"), ProbeState::Active, ProbeSource::Control);
  ASSERT_TRUE(registry.remove_probe(gone, {{"calls", 12}}).has_value());
  EXPECT_EQ(registry.probe(gone)->final_figures.value("calls", 0), 12);
  auto active = registry.active_selectors();
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].first, kept);
  EXPECT_EQ(active[0].second.text(), "A.B::C");
}

TEST(ProbeRegistry, AMethodThatFailsMovesToEveryOwnersRefusedListAndIsNotRetried) {
  ProbeRegistry registry;
  const uint32_t first = registry.add_probe(sel("Shop.Cart::*"), ProbeState::Active, ProbeSource::Control);
  const uint32_t second = registry.add_probe(sel("Shop.*::Add"), ProbeState::Active, ProbeSource::Control);
  registry.attach(first, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call);
  registry.attach(second, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call);
  registry.mark_failed(kAdd, "unsupported_jmp: jmp at offset 0");
  for (uint32_t id : {first, second}) {
    auto probe = registry.probe(id);
    EXPECT_TRUE(probe->methods.empty());
    ASSERT_EQ(probe->refused.size(), 1u);
    EXPECT_EQ(probe->refused[0].method, "Shop.Cart::Add()");
    EXPECT_EQ(probe->refused[0].reason, "unsupported_jmp: jmp at offset 0");
  }
  const uint32_t third = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  EXPECT_FALSE(registry.attach(third, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  ASSERT_EQ(registry.probe(third)->refused.size(), 1u);
  EXPECT_EQ(registry.probe(third)->refused[0].reason, "previously failed to instrument");
}

TEST(ProbeRegistry, ATransientFailureLetsALaterProbeTryAgain) {
  ProbeRegistry registry;
  const uint32_t first = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  registry.attach(first, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call);
  registry.mark_failed(kAdd, "io: no space left for a stats slot", /*permanent=*/false);
  EXPECT_EQ(registry.probe(first)->refused.size(), 1u);
  const uint32_t retry = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  EXPECT_TRUE(registry.attach(retry, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
}

TEST(ProbeRegistry, AProbeOnAMethodThatAlreadyCountsStartsFromTheSlotsCurrentFigures) {
  std::map<int32_t, SlotCounts> counts{{4, SlotCounts{100, 7, 2}}};
  ProbeRegistry registry([&](int32_t slot) { return counts[slot]; });
  const uint32_t first = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  registry.attach(first, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call);
  EXPECT_EQ(registry.probe(first)->methods[0].baseline_calls, 0u);  // no slot yet: counts from zero
  registry.mark_instrumented(kAdd, 4, some_code());
  const uint32_t second = registry.add_probe(sel("Shop.*::Add"), ProbeState::Active, ProbeSource::Control);
  registry.attach(second, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call);
  const ProbeMethod m = registry.probe(second)->methods[0];
  EXPECT_EQ(m.baseline_calls, 100u);
  EXPECT_EQ(m.baseline_exceptions, 7u);
  EXPECT_EQ(m.baseline_cancelled, 2u);
}

TEST(ProbeRegistry, DiscardingAProbeForgetsItAndReleasesItsMethods) {
  ProbeRegistry registry;
  const uint32_t id = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  registry.attach(id, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call);
  registry.discard_probe(id);
  EXPECT_FALSE(registry.probe(id).has_value());
  EXPECT_TRUE(registry.probes().empty());
  EXPECT_EQ(registry.method(kAdd)->probe_count, 0u);
  // So the next probe asks for instrumentation again.
  const uint32_t next = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  EXPECT_TRUE(registry.attach(next, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
}

TEST(ProbeRegistry, TheCodeFingerprintAndCoverageAreKeptOnlyOnceInstrumented) {
  ProbeRegistry registry;
  const uint32_t id = registry.add_probe(sel("Fs.Parity::*"), ProbeState::Active, ProbeSource::Control);
  registry.attach(id, kAdd, "Fs.Parity::isEven(int32)", "Fs", MethodMeasure::Call);
  EXPECT_EQ(registry.method(kAdd)->code_fingerprint, 0u);
  EXPECT_EQ(registry.method(kAdd)->state, MethodState::Preparing);
  ProbeCoverage coverage;
  coverage.shape = il::ProbeShape::CountOnly;
  coverage.count_only_reason = "tail calls";
  registry.mark_instrumented(kAdd, 3, 0xF00D, coverage);
  auto method = registry.method(kAdd);
  EXPECT_EQ(method->code_fingerprint, 0xF00Du);
  EXPECT_EQ(method->slot, 3);
  EXPECT_EQ(method->state, MethodState::Instrumented);
  EXPECT_EQ(method->coverage.shape, il::ProbeShape::CountOnly);
  EXPECT_STREQ(method->coverage.count_only_reason, "tail calls");
  // Unknown methods are ignored.
  registry.mark_instrumented(kRemove, 9, some_code());
  EXPECT_FALSE(registry.method(kRemove).has_value());
}

TEST(ProbeRegistry, AReAddOfAMethodWhoseReJitTheRuntimeHasNotTakenYetNeedsNoNewReJit) {
  ProbeRegistry registry;
  const uint32_t first = registry.add_probe(sel("Shop.Cart::*"), ProbeState::Active, ProbeSource::Control);
  ASSERT_TRUE(registry.attach(first, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  ASSERT_TRUE(registry.attach(first, kRemove, "Shop.Cart::Remove()", "Shop", MethodMeasure::Call));
  registry.mark_instrumented(kAdd, 0, some_code());
  registry.mark_instrumented(kRemove, 1, some_code());
  registry.mark_rejit_pending({kAdd, kRemove});
  registry.mark_in_runtime(kRemove);  // called since; Add never is
  EXPECT_EQ(instrumentation_of(*registry.method(kAdd)), Instrumentation::Pending);
  ASSERT_TRUE(registry.remove_probe(first, nlohmann::json::object()).has_value());
  // Its request still stands: the method runs our (disarmed) code from its first call.
  EXPECT_EQ(instrumentation_of(*registry.method(kAdd)), Instrumentation::Disarmed);

  // Another method's ReJIT with inliners: a method already running our code may have
  // been an inliner (recompiled from its original IL), one still waiting for its code not.
  registry.forget_in_runtime_except({MethodKey{0x1000, 0x06000009}});
  const uint32_t again = registry.add_probe(sel("Shop.Cart::*"), ProbeState::Active, ProbeSource::Control);
  EXPECT_FALSE(registry.attach(again, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
  EXPECT_TRUE(registry.attach(again, kRemove, "Shop.Cart::Remove()", "Shop", MethodMeasure::Call));

  // remove --revert hands back a method whose request is pending too (its request is dropped).
  auto unused = registry.remove_probe(again, nlohmann::json::object(), /*revert=*/true);
  ASSERT_TRUE(unused.has_value());
  EXPECT_NE(std::find(unused->begin(), unused->end(), kAdd), unused->end());
  EXPECT_EQ(instrumentation_of(*registry.method(kAdd)), Instrumentation::Reverted);
  const uint32_t after_revert = registry.add_probe(sel("Shop.Cart::Add"), ProbeState::Active, ProbeSource::Control);
  EXPECT_TRUE(registry.attach(after_revert, kAdd, "Shop.Cart::Add()", "Shop", MethodMeasure::Call));
}

// One add/remove cycle as ProbeService does it: add, attach, (first time) instrument, remove
// with final figures. Returns whether the attach asked for a ReJIT.
bool add_remove_cycle(ProbeRegistry& registry, const std::vector<MethodKey>& keys, int calls) {
  const uint32_t id = registry.add_probe(sel("Shop.Cart::*"), ProbeState::Pending, ProbeSource::Control);
  bool rejit = false;
  for (const MethodKey& key : keys) {
    if (registry.attach(id, key, "Shop.Cart::M()", "Shop", MethodMeasure::Call)) {
      rejit = true;
      registry.mark_instrumented(key, static_cast<int32_t>(key.token & 0xFFFF), some_code());
      registry.mark_in_runtime(key);
    }
  }
  registry.activate(id);
  EXPECT_TRUE(registry.remove_probe(id, {{"calls", calls}}).has_value());
  return rejit;
}

TEST(ProbeRegistry, TwoHundredAddRemoveCyclesOfOneMethodKeepTheRegistryBounded) {
  ProbeRegistry registry;
  EXPECT_TRUE(add_remove_cycle(registry, {kAdd}, 0)) << "the first add instruments";
  size_t most_probes = 0;
  for (int cycle = 1; cycle < 200; ++cycle) {
    EXPECT_FALSE(add_remove_cycle(registry, {kAdd}, cycle)) << "a re-add re-arms, no ReJIT (cycle " << cycle << ")";
    most_probes = std::max(most_probes, registry.probe_count());
  }
  // The latest removed probes are kept, older ones forgotten: no record per cycle.
  EXPECT_EQ(most_probes, kKeptRemovedProbes);
  EXPECT_EQ(registry.probe_count(), kKeptRemovedProbes);
  EXPECT_EQ(registry.forgotten_removed(), 200u - kKeptRemovedProbes);
  EXPECT_EQ(registry.method_count(), 1u);
  // The kept ones are the latest, with their own final figures.
  const auto probes = registry.probes();
  ASSERT_FALSE(probes.empty());
  EXPECT_EQ(probes.back().final_figures.value("calls", -1), 199);
  EXPECT_EQ(probes.front().final_figures.value("calls", -1), 200 - static_cast<int>(kKeptRemovedProbes));
  for (const auto& probe : probes) EXPECT_EQ(probe.state, ProbeState::Removed);
  EXPECT_EQ(instrumentation_of(*registry.method(kAdd)), Instrumentation::Disarmed);
}

TEST(ProbeRegistry, TwoHundredAddRemoveCyclesOfAHundredMethodsKeepAtMostTheMethodBudgetOfRemovedProbes) {
  ProbeRegistry registry;
  std::vector<MethodKey> keys;
  for (uint32_t i = 0; i < 100; ++i) keys.push_back(MethodKey{0x2000, 0x06000100 + i});
  EXPECT_TRUE(add_remove_cycle(registry, keys, 0));
  for (int cycle = 1; cycle < 200; ++cycle) EXPECT_FALSE(add_remove_cycle(registry, keys, cycle));
  size_t kept_methods = 0;
  for (const auto& probe : registry.probes()) kept_methods += probe.methods.size();
  EXPECT_EQ(kept_methods, kKeptRemovedMethods / 100 * 100);
  EXPECT_EQ(registry.probe_count(), kKeptRemovedMethods / 100);
  EXPECT_EQ(registry.method_count(), 100u);
  // A probe still active is never forgotten, however many removed after it.
  const uint32_t active = registry.add_probe(sel("Shop.Other::*"), ProbeState::Active, ProbeSource::Control);
  for (int cycle = 0; cycle < 50; ++cycle) add_remove_cycle(registry, keys, cycle);
  ASSERT_TRUE(registry.probe(active).has_value());
  EXPECT_EQ(registry.probe(active)->state, ProbeState::Active);
}

TEST(ProbeRegistry, TheLatestRemovedProbeIsKeptEvenAboveTheMethodBudget) {
  ProbeRegistry registry;
  std::vector<MethodKey> keys;
  for (uint32_t i = 0; i < kKeptRemovedMethods + 1; ++i) keys.push_back(MethodKey{0x3000, 0x06000001 + i});
  add_remove_cycle(registry, keys, 5);
  ASSERT_EQ(registry.probe_count(), 1u);
  EXPECT_EQ(registry.probes()[0].methods.size(), kKeptRemovedMethods + 1);
  add_remove_cycle(registry, {kAdd}, 6);
  ASSERT_EQ(registry.probe_count(), 1u) << "the large one is forgotten once a newer one is removed";
  EXPECT_EQ(registry.probes()[0].final_figures.value("calls", -1), 6);
  EXPECT_EQ(registry.forgotten_removed(), 1u);
}

}  // namespace
}  // namespace clrprobe::agent
