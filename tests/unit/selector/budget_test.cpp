#include "selector/budget.h"

#include <gtest/gtest.h>

#include "selector/probe_kind.h"

namespace clrprobe::selector {
namespace {

TEST(Budget, TtlDurationsAreReadWithTheirUnits) {
  EXPECT_EQ(*parse_ttl_ms("30s"), 30'000u);
  EXPECT_EQ(*parse_ttl_ms("5m"), 300'000u);
  EXPECT_EQ(*parse_ttl_ms("1h"), 3'600'000u);
  EXPECT_EQ(*parse_ttl_ms("500ms"), 500u);
  EXPECT_EQ(*parse_ttl_ms("1.5s"), 1'500u);
  EXPECT_EQ(*parse_ttl_ms("90"), 90'000u);  // a bare number is seconds
}

TEST(Budget, ABadTtlIsRefusedWithAMessageThatQuotesIt) {
  for (const char* bad : {"-3s", "abc", "", "0s", "3d", "s", "1..2s", "0.0001ms", "3 s"}) {
    auto ttl = parse_ttl_ms(bad);
    ASSERT_FALSE(ttl.ok()) << bad;
    EXPECT_EQ(ttl.error().reason, Reason::InvalidInput);
    EXPECT_NE(ttl.error().message.find(std::string("'") + bad + "'"), std::string::npos) << ttl.error().message;
  }
  EXPECT_FALSE(parse_ttl_ms("31d").ok());
  EXPECT_FALSE(parse_ttl_ms("721h").ok());  // above 30 days
  EXPECT_TRUE(parse_ttl_ms("720h").ok());
}

TEST(Budget, AnOverheadIsAPercentageAboveZeroAndAtMostAHundred) {
  EXPECT_DOUBLE_EQ(*parse_overhead_pct("2"), 2.0);
  EXPECT_DOUBLE_EQ(*parse_overhead_pct("0.5"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_overhead_pct("2%"), 2.0);
  EXPECT_DOUBLE_EQ(*parse_overhead_pct("100"), 100.0);
  for (const char* bad : {"0", "150", "abc", "-1", "", "2x", "100.5"}) {
    auto pct = parse_overhead_pct(bad);
    ASSERT_FALSE(pct.ok()) << bad;
    EXPECT_EQ(pct.error().reason, Reason::InvalidInput);
  }
  EXPECT_FALSE(check_overhead_pct(0).ok());
  EXPECT_FALSE(check_ttl_ms(-3).ok());
  EXPECT_TRUE(check_ttl_ms(1).ok());
}

TEST(Budget, ADeclaredProbeTakesTtlAndMaxOverheadWordsInAnyOrder) {
  auto probe = parse_declared_probe("Shop.Cart::Add max_overhead=1.5 ttl=5m kind=count");
  ASSERT_TRUE(probe.ok()) << probe.error().message;
  EXPECT_EQ(probe->selector.text(), "Shop.Cart::Add");
  EXPECT_EQ(probe->kind.kind, ProbeKind::Count);
  EXPECT_EQ(probe->budget.ttl_ms, 300'000u);
  EXPECT_DOUBLE_EQ(probe->budget.max_overhead_pct.value_or(0), 1.5);
  // The text names the budget: editing it in a probes file replaces the probe.
  EXPECT_EQ(probe->text(), "Shop.Cart::Add kind=count ttl=5m max_overhead=1.5");
  auto again = parse_declared_probe(probe->text());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->budget, probe->budget);

  auto plain = parse_declared_probe("Shop.Cart::Add");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->budget.empty());
  EXPECT_EQ(plain->text(), "Shop.Cart::Add");
}

TEST(Budget, ADeclaredProbeWithABadOrRepeatedBudgetWordIsRefused) {
  EXPECT_FALSE(parse_declared_probe("Shop.Cart::Add ttl=-3s").ok());
  EXPECT_FALSE(parse_declared_probe("Shop.Cart::Add ttl=abc").ok());
  EXPECT_FALSE(parse_declared_probe("Shop.Cart::Add max_overhead=0").ok());
  EXPECT_FALSE(parse_declared_probe("Shop.Cart::Add max_overhead=150").ok());
  auto twice = parse_declared_probe("Shop.Cart::Add ttl=1s ttl=2s");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("twice"), std::string::npos);
}

TEST(Budget, TtlsAreWrittenInTheLargestWholeUnit) {
  EXPECT_EQ(format_ttl(30'000), "30s");
  EXPECT_EQ(format_ttl(300'000), "5m");
  EXPECT_EQ(format_ttl(7'200'000), "2h");
  EXPECT_EQ(format_ttl(1'500), "1500ms");
}

}  // namespace
}  // namespace clrprobe::selector
