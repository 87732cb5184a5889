// What `list` and `stats` print about a probe's budgets, and the --ttl /
// --max-overhead options of add, run and watch.
#include <gtest/gtest.h>

#include "cli/budget_options.h"
#include "cli/budget_text.h"

namespace clrprobe::cli {
namespace {

TEST(BudgetText, AnExpiredProbeSaysWhenAndItsTtl) {
  const nlohmann::json probe = {
      {"state", "expired"}, {"ttl_ms", 30000}, {"expired_unix_ns", 1'796'323'047'000'000'000}};
  const auto notes = budget_notes(probe);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "expired at " + format_unix_ns_utc(1'796'323'047'000'000'000) + " (ttl 30s): removed");
}

TEST(BudgetText, ASuspendedProbeSaysOverBudgetWithTheEstimate) {
  const nlohmann::json probe = {
      {"state", "suspended"},
      {"max_overhead_pct", 0.05},
      {"suspended", {{"reason", "over budget"}, {"estimate_pct", 0.593}, {"max_overhead_pct", 0.05}, {"unix_ns", 0}}}};
  const auto notes = budget_notes(probe);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].rfind("suspended: over budget (estimated 0.593 % of one core > 0.05 %) at ", 0), 0u) << notes[0];
  EXPECT_EQ(notes[1], "budget: max overhead 0.05 % of one core");
}

TEST(BudgetText, AProbeWithoutBudgetsGetsNoLines) {
  EXPECT_TRUE(budget_notes(nlohmann::json{{"state", "active"}}).empty());
  EXPECT_TRUE(budget_notes(nlohmann::json("not an object")).empty());
}

TEST(BudgetText, TimesAreWrittenInUtc) { EXPECT_EQ(format_unix_ns_utc(0), "1970-01-01 00:00:00 UTC"); }

TEST(BudgetOptions, BadValuesNameTheOption) {
  BudgetOptions ttl;
  ttl.ttl = "-3s";
  auto r = parse_budget_options(ttl);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("--ttl '-3s'", 0), 0u) << r.error().message;
  BudgetOptions pct;
  pct.max_overhead = "150";
  auto p = parse_budget_options(pct);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message.rfind("--max-overhead: ", 0), 0u) << p.error().message;
  BudgetOptions both;
  both.ttl = "5m";
  both.max_overhead = "2";
  auto b = parse_budget_options(both);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->ttl_ms, 300'000u);
  EXPECT_DOUBLE_EQ(b->max_overhead_pct.value_or(0), 2.0);
  EXPECT_TRUE(parse_budget_options(BudgetOptions{})->empty());
}

}  // namespace
}  // namespace clrprobe::cli
