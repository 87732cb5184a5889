// The --when language on captured values: each operand, each operator, and
// the rules for values of different kinds.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "watch/condition.h"

// Calls are written with designated initializers; the members left out
// keep their defaults, which is the point.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace clrprobe::watch {
namespace {

struct EvalCall {
  int64_t latency_ns = 0;
  std::vector<Value> args;
  Value ret;
  Value exception;
};

bool holds(const std::string& text, const EvalCall& call) {
  auto parsed = parse_condition(text);
  EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.error().message);
  if (!parsed) return false;
  std::vector<std::string> names;
  for (size_t i = 0; i < call.args.size(); ++i) names.push_back("p" + std::to_string(i));
  auto bound = bind_condition(*parsed, names);
  EXPECT_TRUE(bound) << text;
  if (!bound) return false;
  return evaluate(*bound, CallFacts{call.latency_ns, call.args, &call.ret, &call.exception});
}

Value enum_value(int64_t n, std::string member) {
  Value v = Value::integer(n, "MyApp.Color");
  v.text = std::move(member);
  return v;
}

Value char_value(char c) {
  Value v{ValueKind::Char, "System.Char"};
  v.i = c;
  v.text = std::string(1, c);
  return v;
}

Value exception_value(std::string type, std::string message) {
  Value v = Value::object(std::move(type));
  v.text = std::move(message);
  return v;
}

TEST(ConditionEval, TheDefaultConditionIsAlwaysTrue) {
  Condition always;
  EXPECT_TRUE(always.always());
  EXPECT_TRUE(evaluate(always, CallFacts{}));
}

TEST(ConditionEval, LatencyComparesWithDurationsInNanoseconds) {
  EvalCall call{.latency_ns = 60'000'000};
  EXPECT_TRUE(holds("latency > 50ms", call));
  EXPECT_FALSE(holds("latency > 60ms", call));
  EXPECT_TRUE(holds("latency >= 60ms", call));
  EXPECT_TRUE(holds("latency == 60000us", call));
  EXPECT_TRUE(holds("latency < 0.5s", call));
  EXPECT_TRUE(holds("latency <= 60000000ns", call));
  EXPECT_FALSE(holds("latency != 0.06s", call));
}

TEST(ConditionEval, NumbersCompareAcrossSignedUnsignedAndFloatingKinds) {
  EvalCall call{.args = {Value::integer(-3, "System.Int32"), Value::unsigned_integer(18446744073709551615ull),
                         Value::floating(2.5)}};
  EXPECT_TRUE(holds("arg0 < 0", call));
  EXPECT_TRUE(holds("arg0 == -3", call));
  EXPECT_TRUE(holds("p0 > -3.5", call));
  EXPECT_TRUE(holds("arg1 > arg0", call));
  EXPECT_TRUE(holds("arg1 == 18446744073709551615", call));
  EXPECT_TRUE(holds("arg2 > 2 && arg2 < 3", call));
  EXPECT_FALSE(holds("arg2 == 2", call));
}

TEST(ConditionEval, StringsCompareByTextAndOrder) {
  EvalCall call{.args = {Value::string("bob"), Value::string("")}};
  EXPECT_TRUE(holds("arg0 == \"bob\"", call));
  EXPECT_TRUE(holds("arg0 != 'alice'", call));
  EXPECT_TRUE(holds("arg0 > \"alice\"", call));
  EXPECT_TRUE(holds("\"alice\" < arg0", call));
  EXPECT_TRUE(holds("arg0", call));
  EXPECT_FALSE(holds("arg1", call));
  EXPECT_FALSE(holds("arg0 == 3", call));
  EXPECT_TRUE(holds("arg0 != 3", call));
}

TEST(ConditionEval, BoolsCharsAndEnumsCompareByValueOrName) {
  EvalCall call{.args = {Value::boolean(true), char_value('q'), enum_value(2, "Blue")}};
  EXPECT_TRUE(holds("arg0 == true", call));
  EXPECT_TRUE(holds("arg0", call));
  EXPECT_FALSE(holds("!arg0", call));
  EXPECT_FALSE(holds("arg0 > false", call));
  EXPECT_TRUE(holds("arg1 == \"q\"", call));
  EXPECT_TRUE(holds("arg1 == 113", call));
  EXPECT_TRUE(holds("arg1 > 'a'", call));
  EXPECT_TRUE(holds("arg2 == \"Blue\"", call));
  EXPECT_TRUE(holds("arg2 == 2", call));
  EXPECT_TRUE(holds("arg2 != \"Red\"", call));
}

TEST(ConditionEval, NullMatchesOnlyNullReferences) {
  EvalCall call{.args = {Value::null("System.String"), Value::object("MyApp.Order"), Value::string("x")}};
  EXPECT_TRUE(holds("arg0 == null", call));
  EXPECT_FALSE(holds("arg0 != null", call));
  EXPECT_FALSE(holds("arg0", call));
  EXPECT_TRUE(holds("arg1 != null", call));
  EXPECT_TRUE(holds("arg1", call));
  EXPECT_FALSE(holds("arg2 == null", call));
  EXPECT_FALSE(holds("arg0 < null", call));
}

TEST(ConditionEval, OtherObjectsCompareWithTheirRuntimeTypeName) {
  EvalCall call{.args = {Value::object("System.Int32[]", 3)}};
  EXPECT_TRUE(holds("arg0 == \"System.Int32[]\"", call));
  EXPECT_TRUE(holds("arg0 != \"System.String\"", call));
}

TEST(ConditionEval, ReturnIsTheReturnedValueAndNotCapturedForVoid) {
  EvalCall returns{.ret = Value::integer(42, "System.Int32")};
  EXPECT_TRUE(holds("return == 42", returns));
  EXPECT_TRUE(holds("return >= 40 && return < 50", returns));
  EvalCall none{};
  EXPECT_FALSE(holds("return == 42", none));
  EXPECT_FALSE(holds("return == null", none));
  EXPECT_TRUE(holds("return != 42", none));
  EXPECT_FALSE(holds("return", none));
}

TEST(ConditionEval, ExceptionIsTrueWhenOneEscapedAndMatchesFullOrSimpleTypeNames) {
  EvalCall threw{.exception = exception_value("System.TimeoutException", "too slow")};
  EXPECT_TRUE(holds("exception", threw));
  EXPECT_TRUE(holds("exception == \"TimeoutException\"", threw));
  EXPECT_TRUE(holds("exception == \"System.TimeoutException\"", threw));
  EXPECT_FALSE(holds("exception == \"Other.TimeoutException\"", threw));
  EXPECT_FALSE(holds("exception == \"Exception\"", threw));
  EXPECT_TRUE(holds("exception != \"InvalidOperationException\"", threw));
  EXPECT_FALSE(holds("exception == null", threw));
  EvalCall returned{};
  EXPECT_FALSE(holds("exception", returned));
  EXPECT_TRUE(holds("!exception", returned));
  EXPECT_TRUE(holds("exception == null", returned));
  EXPECT_FALSE(holds("exception == \"TimeoutException\"", returned));
  EvalCall nested{.exception = exception_value("MyApp.Store+Conflict", "")};
  EXPECT_TRUE(holds("exception == \"Conflict\"", nested));
}

TEST(ConditionEval, AndOrNotAndParenthesesFollowPrecedence) {
  EvalCall call{.latency_ns = 10, .args = {Value::integer(1)}};
  EXPECT_TRUE(holds("arg0 == 1 || arg0 == 2 && arg0 == 3", call));  // && binds tighter
  EXPECT_FALSE(holds("(arg0 == 1 || arg0 == 2) && arg0 == 3", call));
  EXPECT_TRUE(holds("!(arg0 == 2) && latency > 0", call));
  EXPECT_FALSE(holds("!!exception", call));
}

TEST(ConditionEval, AnArgumentThatWasNotCapturedComparesFalse) {
  EvalCall call{.args = {Value{}}};
  EXPECT_FALSE(holds("arg0 == 1", call));
  EXPECT_FALSE(holds("arg0 == null", call));
  EXPECT_TRUE(holds("arg0 != 1", call));
}

}  // namespace
}  // namespace clrprobe::watch
