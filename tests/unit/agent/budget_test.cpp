// The registry side of budgets (agent/budget_supervisor.h): suspending a probe
// over its overhead budget disarms only the methods no unsuspended probe
// needs, and the estimate the supervisor compares with the budget.
#include <gtest/gtest.h>

#include "agent/arm_flags.h"
#include "agent/budget_json.h"
#include "agent/budget_supervisor.h"
#include "agent/probe_registry.h"

namespace clrprobe::agent {
// A namespace of its own, not an anonymous one: its helpers (sel) share a unity batch
// with other files that define their own.
namespace budget_test {

selector::Selector sel(const char* text) { return *selector::Selector::parse(text); }

constexpr MethodKey kHot{0x2000, 0x06000001};
constexpr MethodKey kCold{0x2000, 0x06000002};

TEST(Budgets, SuspendingAProbeDisarmsOnlyTheMethodsNoOtherProbeNeeds) {
  ProbeRegistry registry;
  selector::Budget budget;
  budget.max_overhead_pct = 1;
  const uint32_t budgeted =
      registry.add_probe(sel("Shop.Cart::*"), ProbeState::Active, ProbeSource::Control, {}, budget);
  const uint32_t other = registry.add_probe(sel("Shop.Cart::Hot"), ProbeState::Active, ProbeSource::Control);
  registry.attach(budgeted, kHot, "Shop.Cart::Hot()", "Shop", MethodMeasure::Call);
  registry.attach(budgeted, kCold, "Shop.Cart::Cold()", "Shop", MethodMeasure::Call);
  registry.attach(other, kHot, "Shop.Cart::Hot()", "Shop", MethodMeasure::Call);
  registry.mark_instrumented(kHot, 4040, 0x2A);
  registry.mark_instrumented(kCold, 4041, 0x2A);
  ASSERT_TRUE(is_armed(4040) && is_armed(4041));

  ASSERT_EQ(registry.budgeted().size(), 1u);
  EXPECT_EQ(registry.budgeted().front().methods.size(), 2u);
  EXPECT_TRUE(registry.suspend_probe(budgeted, 7.5, 123));
  EXPECT_FALSE(registry.suspend_probe(budgeted, 9, 124));  // once
  EXPECT_TRUE(is_armed(4040));                             // `other` still probes Hot
  EXPECT_FALSE(is_armed(4041));                            // Cold was the suspended probe's alone
  EXPECT_TRUE(registry.budgeted().empty());
  auto probe = registry.probe(budgeted);
  ASSERT_TRUE(probe);
  EXPECT_EQ(std::string(probe_state_text(*probe)), "suspended");
  nlohmann::json object = nlohmann::json::object();
  add_budget_fields(*probe, object);
  EXPECT_DOUBLE_EQ(object["suspended"]["estimate_pct"].get<double>(), 7.5);
  EXPECT_EQ(object["suspended"]["reason"], "over budget");

  // Removing the suspended probe does not let go of its methods a second time.
  ASSERT_TRUE(registry.remove_probe(budgeted, nlohmann::json::object()).has_value());
  EXPECT_TRUE(is_armed(4040));
  EXPECT_EQ(registry.method(kHot)->probe_count, 1u);
  registry.remove_probe(other, nlohmann::json::object());
  EXPECT_FALSE(is_armed(4040));
}

TEST(Budgets, ASuspendedProbeTakesNoNewMethods) {
  ProbeRegistry registry;
  selector::Budget budget;
  budget.max_overhead_pct = 1;
  const uint32_t id = registry.add_probe(sel("Shop.Cart::*"), ProbeState::Active, ProbeSource::Control, {}, budget);
  registry.attach(id, kHot, "Shop.Cart::Hot()", "Shop", MethodMeasure::Call);
  ASSERT_TRUE(registry.suspend_probe(id, 3, 1));
  EXPECT_FALSE(registry.attach(id, kCold, "Shop.Cart::Cold()", "Shop", MethodMeasure::Call));
  EXPECT_TRUE(registry.active_selectors().empty());
}

TEST(Budgets, AnExpiredProbeIsListedAsExpiredWithItsTime) {
  ProbeRegistry registry;
  selector::Budget budget;
  budget.ttl_ms = 30'000;
  const uint32_t id = registry.add_probe(sel("Shop.Cart::*"), ProbeState::Active, ProbeSource::Control, {}, budget);
  registry.remove_probe(id, nlohmann::json::object());
  registry.mark_expired(id, 987654321);
  auto probe = registry.probe(id);
  ASSERT_TRUE(probe);
  EXPECT_EQ(std::string(probe_state_text(*probe)), "expired");
  nlohmann::json object = nlohmann::json::object();
  add_budget_fields(*probe, object);
  EXPECT_EQ(object["ttl_ms"], 30'000u);
  EXPECT_EQ(object["expired_unix_ns"], 987654321u);
}

TEST(Budgets, TheOverheadEstimateIsCallsTimesTheirCostOverTheInterval) {
  const PerCallNs costs;
  // A million full-probe calls in one second: 23 ms of 1000 = 2.3 % of one core.
  EXPECT_NEAR(overhead_pct(1'000'000 * costs.of(selector::ProbeKind::Full, false), std::chrono::seconds(1)), 2.3, 1e-9);
  EXPECT_LT(costs.of(selector::ProbeKind::Count, false), costs.of(selector::ProbeKind::Sampled, false));
  EXPECT_LT(costs.of(selector::ProbeKind::Sampled, false), costs.of(selector::ProbeKind::Full, false));
  EXPECT_GT(costs.of(selector::ProbeKind::Count, true), costs.of(selector::ProbeKind::Full, false));
  EXPECT_EQ(overhead_pct(1000, std::chrono::nanoseconds(0)), 0);
}

}  // namespace budget_test
}  // namespace clrprobe::agent
