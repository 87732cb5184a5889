// The fast condition (watch/fast_condition.h) decides exactly as the general evaluator on
// every input it accepts: both run on the same raw arguments (read by read_value for the
// general one) over conditions and values chosen at the edges (signs, widths, NaN, 2^53+1,
// the latency), and conditions it cannot take are left to the general evaluator.
#include "watch/fast_condition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "watch/condition.h"
#include "watch/value_reader.h"

namespace clrprobe::watch {
namespace {

// A method (long a, uint b, double c, float d, short e, string s): hook positions 0..5.
const std::vector<std::string> kFastNames = {"a", "b", "c", "d", "e", "s"};
const std::vector<uint16_t> kFastParams = {0, 1, 2, 3, 4, 5};

std::vector<CapturePlan> FastPlans() {
  std::vector<CapturePlan> plans(6);
  const CaptureKind kinds[] = {CaptureKind::I8, CaptureKind::U4, CaptureKind::R8,
                               CaptureKind::R4, CaptureKind::I2, CaptureKind::String};
  for (size_t i = 0; i < plans.size(); ++i) {
    plans[i].kind = kinds[i];
    plans[i].type = primitive_type_name(kinds[i]);
  }
  return plans;
}

struct Args {
  int64_t a = 0;
  uint32_t b = 0;
  double c = 0;
  float d = 0;
  int16_t e = 0;
  const void* s = nullptr;
};

Condition FastBound(const std::string& text) {
  auto parsed = parse_condition(text);
  if (!parsed) {
    ADD_FAILURE() << text << ": " << parsed.error().message;
    return Condition{};
  }
  auto bound = bind_condition(*parsed, kFastNames);
  if (!bound) {
    ADD_FAILURE() << text << ": " << bound.error().message;
    return Condition{};
  }
  return *bound;
}

// Both evaluators on the same call: the general one on Values read from the addresses.
void ExpectSameDecision(const std::string& text, const Args& in, int64_t latency_ns) {
  const Condition condition = FastBound(text);
  const std::vector<CapturePlan> plans = FastPlans();
  auto fast = FastCondition::compile(condition, kFastParams, plans);
  ASSERT_TRUE(fast.has_value()) << text << " should be taken by the fast condition";
  const void* args[] = {&in.a, &in.b, &in.c, &in.d, &in.e, &in.s};
  std::vector<Value> values;
  for (size_t i = 0; i < 5; ++i) values.push_back(read_value(plans[i], args[i], ObjectLayout{}, nullptr));
  values.push_back(Value{});
  const Value none;
  const bool general = evaluate(condition, CallFacts{latency_ns, values, &none, &none});
  const bool quick = fast->evaluate(args, 6, [&] { return latency_ns; });
  EXPECT_EQ(quick, general) << text << " with a=" << in.a << " b=" << in.b << " c=" << in.c << " d=" << in.d
                            << " e=" << in.e << " latency=" << latency_ns;
}

TEST(FastCondition, DecidesAsTheGeneralEvaluatorOnEveryNumericComparison) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Args> calls = {
      {},
      {.a = -1, .b = 1, .c = -0.5, .d = 0.25f, .e = -3},
      {.a = (int64_t{1} << 53) + 1, .b = 4000000000u, .c = 9007199254740992.0, .d = 1e30f, .e = 32767},
      {.a = std::numeric_limits<int64_t>::min(), .b = 0, .c = nan, .d = -0.0f, .e = -32768},
      {.a = 42, .b = 42, .c = 42.0, .d = 42.0f, .e = 42},
  };
  const std::vector<std::string> conditions = {
      "a < 0",
      "a == 9007199254740993",
      "a >= -9223372036854775808",
      "b > 3999999999",
      "b != 42",
      "c < 0 || c > 1000000000000000.5",
      "c == 42",
      "d <= 0.25",
      "e == -3 && a < 0",
      "!(e > 100)",
      "42 == a",
      "0 > a",
      "latency > 50ms",
      "latency <= 1us || a == 42",
      "a == 42.0",
      "b < -1",
  };
  for (const auto& text : conditions) {
    for (const auto& call : calls) {
      for (int64_t latency : {int64_t{0}, int64_t{999}, int64_t{60'000'000}}) ExpectSameDecision(text, call, latency);
    }
  }
}

TEST(FastCondition, LeavesWhatItCannotDecideToTheGeneralEvaluator) {
  const std::vector<CapturePlan> plans = FastPlans();
  for (const char* text : {"s == \"x\"", "exception", "return > 1", "a", "a < 0 && exception == \"IOException\"",
                           "s != null", "a == true", "c != c"}) {
    EXPECT_FALSE(FastCondition::compile(FastBound(text), kFastParams, plans).has_value()) << text;
  }
  EXPECT_FALSE(FastCondition::compile(Condition{}, kFastParams, plans).has_value()) << "no --when";
}

TEST(FastCondition, ReadsTheLatencyOnlyWhenAComparisonNeedsIt) {
  const std::vector<CapturePlan> plans = FastPlans();
  Args in{.a = 5};
  const void* args[] = {&in.a, &in.b, &in.c, &in.d, &in.e, &in.s};
  int reads = 0;
  auto fast = FastCondition::compile(FastBound("a > 1 || latency > 1ms"), kFastParams, plans);
  ASSERT_TRUE(fast);
  EXPECT_TRUE(fast->evaluate(args, 6, [&] { return ++reads, int64_t{0}; }));
  EXPECT_EQ(reads, 0) << "a > 1 decided it";
  in.a = 0;
  EXPECT_FALSE(fast->evaluate(args, 6, [&] { return ++reads, int64_t{0}; }));
  EXPECT_EQ(reads, 1);
}

}  // namespace
}  // namespace clrprobe::watch
