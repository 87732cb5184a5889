// ttl_ms and max_overhead_pct on add and watch (docs/PROTOCOL.md, "Budgets").
#include <gtest/gtest.h>

#include "control/messages.h"

namespace clrprobe::control {
namespace {

using nlohmann::json;

Result<Request> parse_budget_request(const char* text) { return parse_request(json::parse(text)); }

TEST(BudgetMessages, AnAddWithoutBudgetsIsUnboundedAndAWatchGetsTwoPercent) {
  auto add = parse_budget_request(R"({"op":"add","selector":"Shop.Store::Save"})");
  ASSERT_TRUE(add.ok());
  EXPECT_EQ(std::get<AddRequest>(*add).ttl_ms, 0);
  EXPECT_EQ(std::get<AddRequest>(*add).max_overhead_pct, 0);
  auto watch = parse_budget_request(R"({"op":"watch","selector":"Shop.Store::Save"})");
  ASSERT_TRUE(watch.ok());
  EXPECT_EQ(std::get<WatchRequest>(*watch).ttl_ms, 0);
  EXPECT_DOUBLE_EQ(std::get<WatchRequest>(*watch).max_overhead_pct, 2.0);
}

TEST(BudgetMessages, BudgetsAreReadAndRoundTripThroughJson) {
  for (const char* text : {R"({"op":"add","selector":"A::B","ttl_ms":30000,"max_overhead_pct":0.5})",
                           R"({"op":"watch","selector":"A::B","ttl_ms":30000,"max_overhead_pct":0.5})"}) {
    auto r = parse_budget_request(text);
    ASSERT_TRUE(r.ok()) << text << ": " << r.error().message;
    auto again = parse_request(to_json(*r));
    ASSERT_TRUE(again.ok());
    for (const Request* each : {&*r, &*again}) {
      if (const auto* add = std::get_if<AddRequest>(each)) {
        EXPECT_EQ(add->ttl_ms, 30000);
        EXPECT_DOUBLE_EQ(add->max_overhead_pct, 0.5);
      } else {
        const auto& w = std::get<WatchRequest>(*each);
        EXPECT_EQ(w.ttl_ms, 30000);
        EXPECT_DOUBLE_EQ(w.max_overhead_pct, 0.5);
      }
    }
  }
}

TEST(BudgetMessages, BadBudgetsAreRefused) {
  for (const char* text : {
           R"({"op":"add","selector":"A::B","ttl_ms":-3000})",
           R"({"op":"add","selector":"A::B","ttl_ms":0})",
           R"({"op":"add","selector":"A::B","ttl_ms":"30s"})",
           R"({"op":"add","selector":"A::B","ttl_ms":2592000001})",
           R"({"op":"add","selector":"A::B","max_overhead_pct":0})",
           R"({"op":"add","selector":"A::B","max_overhead_pct":150})",
           R"({"op":"add","selector":"A::B","max_overhead_pct":"abc"})",
           R"({"op":"watch","selector":"A::B","max_overhead_pct":-1})",
           R"({"op":"watch","selector":"A::B","ttl_ms":1.5})",
       }) {
    auto r = parse_budget_request(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().reason, Reason::InvalidInput) << text;
  }
}

}  // namespace
}  // namespace clrprobe::control
