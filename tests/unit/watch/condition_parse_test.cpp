// The --when language: what parses, what is refused, and where the error is.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "watch/condition.h"

namespace clrprobe::watch {
namespace {

std::string error_of(const std::string& text) {
  auto c = parse_condition(text);
  EXPECT_FALSE(c) << text;
  return c ? std::string() : c.error().message;
}

TEST(ConditionParse, AcceptsEveryOperandOperatorAndLiteral) {
  for (const char* text :
       {"latency > 50ms", "latency >= 1.5us || latency < 2s", "latency <= 100ns", "arg0 == 3", "arg1 != \"x\"",
        "amount > -2.5", "exception", "exception == \"TimeoutException\"", "exception != null", "!exception",
        "return == true", "return != false && (arg0 == null || !(arg2 < 'q'))", "latency == 0", "flag",
        "arg0 == 18446744073709551615"}) {
    auto c = parse_condition(text);
    EXPECT_TRUE(c) << text << ": " << (c ? "" : c.error().message);
  }
}

TEST(ConditionParse, AnEmptyConditionIsRefused) { EXPECT_NE(error_of("  ").find("empty"), std::string::npos); }

TEST(ConditionParse, ErrorsSayTheColumnWhereTheyWereFound) {
  EXPECT_EQ(error_of("latency > 5ms &&"),
            "column 17: expected a value (latency, return, exception, argN, a parameter "
            "name or a literal), found the end");
  EXPECT_EQ(error_of("arg0 == 3 )").rfind("column 11:", 0), 0u);
  EXPECT_EQ(error_of("(arg0 == 3").rfind("column 11: expected ')' to close the '(' at column 1", 0), 0u);
  EXPECT_EQ(error_of("arg0 = 3").rfind("column 6: unexpected character '='", 0), 0u);
  EXPECT_EQ(error_of("arg0 == \"open").rfind("column 9: string is not closed", 0), 0u);
  EXPECT_EQ(error_of("latency > 5 min").rfind("column 11:", 0), 0u);
}

TEST(ConditionParse, UnknownDurationUnitsAreRefused) {
  EXPECT_NE(error_of("latency > 5min").find("unknown unit 'min'"), std::string::npos);
  EXPECT_NE(error_of("latency > 5m").find("column 12"), std::string::npos);
}

TEST(ConditionParse, LatencyIsComparedWithDurationsOnly) {
  EXPECT_NE(error_of("latency > 50").find("latency is compared with a duration"), std::string::npos);
  EXPECT_NE(error_of("latency == \"slow\"").find("column 12"), std::string::npos);
}

TEST(ConditionParse, ExceptionIsComparedWithTypeNamesByEqualityOnly) {
  EXPECT_NE(error_of("exception > \"X\"").find("only be compared with == or !="), std::string::npos);
  EXPECT_NE(error_of("exception == 3").find("type name in quotes"), std::string::npos);
}

TEST(ConditionParse, ComparingConditionsIsRefused) {
  EXPECT_NE(error_of("(arg0 == 1) == true").find("compares values, not conditions"), std::string::npos);
}

TEST(ConditionParse, DeepNestingIsRefusedNotOverflowed) {
  EXPECT_NE(error_of(std::string(10000, '(') + "true" + std::string(10000, ')')).find("nested too deeply"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(10000, '!') + "true").find("nested too deeply"), std::string::npos);
}

TEST(ConditionParse, UsesListsWhatMustBeCaptured) {
  auto c = parse_condition("latency > 1ms && arg2 == 1 || arg0 != 2 || arg2 > 0 || return == null");
  ASSERT_TRUE(c);
  ConditionUses u = c->uses();
  EXPECT_TRUE(u.latency);
  EXPECT_TRUE(u.return_value);
  EXPECT_FALSE(u.exception);
  EXPECT_EQ(u.args, (std::vector<uint32_t>{0, 2}));
}

TEST(ConditionBind, ParameterNamesResolveToTheirIndex) {
  auto c = parse_condition("amount > 10 && customer == \"bob\"");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->names(), (std::vector<std::string>{"amount", "customer"}));
  const std::vector<std::string> params{"customer", "amount"};
  auto bound = bind_condition(*c, params);
  ASSERT_TRUE(bound) << bound.error().message;
  EXPECT_EQ(bound->uses().args, (std::vector<uint32_t>{0, 1}));
  const Value args[] = {Value::string("bob"), Value::integer(11, "System.Int32")};
  EXPECT_TRUE(evaluate(*bound, CallFacts{0, args, nullptr, nullptr}));
}

TEST(ConditionBind, AnUnknownNameIsRefusedWithTheMethodsParameters) {
  auto c = parse_condition("latency > 1ms || amout > 10");
  ASSERT_TRUE(c);
  const std::vector<std::string> params{"customer", "amount"};
  auto bound = bind_condition(*c, params);
  ASSERT_FALSE(bound);
  EXPECT_EQ(bound.error().reason, Reason::NotFound);
  EXPECT_EQ(bound.error().message,
            "column 18: unknown argument name 'amout'; parameters: customer (arg0), amount (arg1)");
}

TEST(ConditionBind, AnArgumentIndexPastTheLastParameterIsRefused) {
  auto c = parse_condition("arg2 == 1");
  ASSERT_TRUE(c);
  const std::vector<std::string> params{"a", "b"};
  auto bound = bind_condition(*c, params);
  ASSERT_FALSE(bound);
  EXPECT_NE(bound.error().message.find("no argument arg2"), std::string::npos);
  EXPECT_FALSE(bind_condition(*c, std::vector<std::string>{}));
}

}  // namespace
}  // namespace clrprobe::watch
