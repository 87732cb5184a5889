// The IL precheck of a watch condition (watch/precheck_compiler.h,
// il/watch_precheck.h) decides exactly as FastCondition: the emitted IL is
// run by a small evaluator of the opcodes it uses (ECMA-335 semantics: ldloc
// widening, conv, ceq/clt/cgt and their .un forms, and/or) on boundary
// values of every numeric type, against FastCondition on the same raw
// values. tests/unit/il/jit_check runs the same IL on the real JIT.
#include "watch/precheck_compiler.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "il/draft_ops.h"
#include "il/watch_precheck.h"
#include "watch/condition.h"
#include "watch/fast_condition.h"

namespace clrprobe::watch {
namespace {

using il::ElementType;
using il::Opcode;

// (sbyte a, byte b, short c, ushort d, int e, uint f, long g, ulong h, float i, double j, nint k, nuint l)
const std::vector<std::string> kNames = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};
const std::vector<uint16_t> kParams = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
const CaptureKind kKinds[] = {CaptureKind::I1, CaptureKind::U1, CaptureKind::I2,     CaptureKind::U2,
                              CaptureKind::I4, CaptureKind::U4, CaptureKind::I8,     CaptureKind::U8,
                              CaptureKind::R4, CaptureKind::R8, CaptureKind::IntPtr, CaptureKind::UIntPtr};
const ElementType kElements[] = {ElementType::I1, ElementType::U1, ElementType::I2, ElementType::U2,
                                 ElementType::I4, ElementType::U4, ElementType::I8, ElementType::U8,
                                 ElementType::R4, ElementType::R8, ElementType::I,  ElementType::U};
constexpr uint16_t kFirstCopy = 40;  // the entry copies' local numbers in the test

std::vector<CapturePlan> Plans() {
  std::vector<CapturePlan> plans(12);
  for (size_t i = 0; i < plans.size(); ++i) plans[i].kind = kKinds[i];
  return plans;
}

// One call's arguments: each in its own 8-byte cell, little-endian.
struct Call {
  uint64_t cells[12] = {};
  template <typename T>
  void set(size_t i, T v) {
    cells[i] = 0;
    std::memcpy(&cells[i], &v, sizeof v);
  }
};

std::vector<Call> Calls() {
  const int64_t ints[] = {0,
                          1,
                          -1,
                          2,
                          3,
                          127,
                          128,
                          -128,
                          -129,
                          255,
                          256,
                          32767,
                          32768,
                          -32768,
                          65535,
                          65536,
                          std::numeric_limits<int32_t>::max(),
                          int64_t{std::numeric_limits<int32_t>::max()} + 1,
                          std::numeric_limits<int32_t>::min(),
                          int64_t{std::numeric_limits<uint32_t>::max()},
                          std::numeric_limits<int64_t>::max(),
                          std::numeric_limits<int64_t>::min(),
                          (int64_t{1} << 53) + 1,
                          int64_t{1} << 53};
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const double doubles[] = {0.0,         -0.0,   nan,
                            inf,         -inf,   0.5,
                            -0.5,        1,      -1,
                            3,           5,      9007199254740992.0,
                            1e300,       -1e300, std::numeric_limits<double>::denorm_min(),
                            2147483647.5};
  std::vector<Call> calls;
  const size_t n = std::size(ints) * 2;
  for (size_t k = 0; k < n; ++k) {
    const int64_t v = ints[k % std::size(ints)];
    const double d = doubles[k % std::size(doubles)];
    Call c;
    c.set(0, static_cast<int8_t>(v));
    c.set(1, static_cast<uint8_t>(v));
    c.set(2, static_cast<int16_t>(v));
    c.set(3, static_cast<uint16_t>(v));
    c.set(4, static_cast<int32_t>(v));
    c.set(5, static_cast<uint32_t>(v));
    c.set(6, v);
    c.set(7, static_cast<uint64_t>(k < std::size(ints) ? v : ~v));
    c.set(8, static_cast<float>(d));
    c.set(9, d);
    c.set(10, static_cast<intptr_t>(v));
    c.set(11, static_cast<uintptr_t>(k < std::size(ints) ? static_cast<uint64_t>(v) : ~static_cast<uint64_t>(v)));
    calls.push_back(c);
  }
  return calls;
}

// The evaluation stack of CIL: int32, int64/native int, F.
struct Slot {
  enum Type { I4, I8, F } type = I4;
  int64_t i = 0;  // I4: sign-extended
  double f = 0;
};

// Runs `code` (the precheck's IL) with the entry copies of `call`.
int RunIl(const std::vector<il::DraftInstruction>& code, const Call& call) {
  std::vector<Slot> stack;
  auto pop = [&] {
    Slot s = stack.back();
    stack.pop_back();
    return s;
  };
  auto push_i4 = [&](bool b) { stack.push_back({Slot::I4, b ? 1 : 0, 0}); };
  for (const auto& ins : code) {
    switch (ins.opcode) {
      case Opcode::Ldloc_S:
      case Opcode::Ldloc: {
        const auto pos = static_cast<size_t>(ins.operand - kFirstCopy);
        if (pos >= 12) {
          ADD_FAILURE() << "ldloc of no entry copy";
          return -1;
        }
        const uint64_t cell = call.cells[pos];
        Slot s;
        switch (kElements[pos]) {
          case ElementType::I1:
            s = {Slot::I4, static_cast<int8_t>(cell), 0};
            break;
          case ElementType::U1:
            s = {Slot::I4, static_cast<uint8_t>(cell), 0};
            break;
          case ElementType::I2:
            s = {Slot::I4, static_cast<int16_t>(cell), 0};
            break;
          case ElementType::U2:
            s = {Slot::I4, static_cast<uint16_t>(cell), 0};
            break;
          case ElementType::I4:
          case ElementType::U4:  // the bits as int32
            s = {Slot::I4, static_cast<int32_t>(static_cast<uint32_t>(cell)), 0};
            break;
          case ElementType::R4: {
            float f;
            std::memcpy(&f, &cell, sizeof f);
            s = {Slot::F, 0, f};
            break;
          }
          case ElementType::R8:
            s = {Slot::F, 0, std::bit_cast<double>(cell)};
            break;
          default:  // I8 U8 I U
            s = {Slot::I8, static_cast<int64_t>(cell), 0};
        }
        stack.push_back(s);
        break;
      }
      case Opcode::Conv_I8: {
        Slot s = pop();
        if (s.type == Slot::F) ADD_FAILURE() << "conv.i8 of a float";
        stack.push_back({Slot::I8, s.i, 0});
        break;
      }
      case Opcode::Conv_U8: {
        Slot s = pop();
        if (s.type == Slot::F) ADD_FAILURE() << "conv.u8 of a float";
        const int64_t v = s.type == Slot::I4 ? static_cast<int64_t>(static_cast<uint32_t>(s.i)) : s.i;
        stack.push_back({Slot::I8, v, 0});
        break;
      }
      case Opcode::Conv_R8: {
        Slot s = pop();
        const double v = s.type == Slot::F ? s.f : static_cast<double>(s.i);  // ints as signed
        stack.push_back({Slot::F, 0, v});
        break;
      }
      case Opcode::Ldc_I8:
        stack.push_back({Slot::I8, ins.operand, 0});
        break;
      case Opcode::Ldc_R8:
        stack.push_back({Slot::F, 0, std::bit_cast<double>(ins.operand)});
        break;
      case Opcode::Ldc_I4_0:
        push_i4(false);
        break;
      case Opcode::Ldc_I4_1:
        push_i4(true);
        break;
      case Opcode::Ceq:
      case Opcode::Clt:
      case Opcode::Cgt:
      case Opcode::Clt_Un:
      case Opcode::Cgt_Un: {
        const Slot b = pop(), a = pop();
        if ((a.type == Slot::F) != (b.type == Slot::F) || (a.type != Slot::F && a.type != b.type)) {
          ADD_FAILURE() << "comparison of mixed stack types";
        }
        if (a.type == Slot::F) {
          const bool unordered = std::isnan(a.f) || std::isnan(b.f);
          switch (ins.opcode) {
            case Opcode::Ceq:
              push_i4(a.f == b.f);
              break;
            case Opcode::Clt:
              push_i4(a.f < b.f);
              break;
            case Opcode::Cgt:
              push_i4(a.f > b.f);
              break;
            case Opcode::Clt_Un:
              push_i4(unordered || a.f < b.f);
              break;
            default:
              push_i4(unordered || a.f > b.f);
          }
        } else {
          const auto ua = static_cast<uint64_t>(a.i), ub = static_cast<uint64_t>(b.i);
          switch (ins.opcode) {
            case Opcode::Ceq:
              push_i4(a.i == b.i);
              break;
            case Opcode::Clt:
              push_i4(a.i < b.i);
              break;
            case Opcode::Cgt:
              push_i4(a.i > b.i);
              break;
            case Opcode::Clt_Un:
              push_i4(ua < ub);
              break;
            default:
              push_i4(ua > ub);
          }
        }
        break;
      }
      case Opcode::And:
      case Opcode::Or: {
        const Slot b = pop(), a = pop();
        stack.push_back({Slot::I4, ins.opcode == Opcode::And ? (a.i & b.i) : (a.i | b.i), 0});
        break;
      }
      default:
        ADD_FAILURE() << "unexpected opcode " << static_cast<int>(ins.opcode);
        return -1;
    }
  }
  if (stack.size() != 1 || stack[0].type != Slot::I4) {
    ADD_FAILURE() << "the precheck leaves " << stack.size() << " values";
    return -1;
  }
  return static_cast<int>(stack[0].i);
}

Condition Bound(const std::string& text) {
  auto parsed = parse_condition(text);
  if (!parsed) {
    ADD_FAILURE() << text << ": " << parsed.error().message;
    return Condition{};
  }
  auto bound = bind_condition(*parsed, kNames);
  if (!bound) {
    ADD_FAILURE() << text << ": " << bound.error().message;
    return Condition{};
  }
  return *bound;
}

std::optional<il::WatchPrecheck> Compile(const std::string& text) {
  return compile_precheck(Bound(text), kParams, Plans());
}

std::vector<il::DraftInstruction> Emit(const il::WatchPrecheck& precheck) {
  std::vector<std::optional<uint16_t>> copies;
  for (uint16_t i = 0; i < 12; ++i) copies.emplace_back(static_cast<uint16_t>(kFirstCopy + i));
  const std::vector<ElementType> params(std::begin(kElements), std::end(kElements));
  std::vector<il::DraftInstruction> code;
  EXPECT_TRUE(il::emit_watch_precheck(&code, precheck, copies, params));
  return code;
}

// The IL agrees with FastCondition on every call; returns how many were true.
int ExpectAgrees(const std::string& text) {
  const Condition condition = Bound(text);
  const auto plans = Plans();
  const auto fast = FastCondition::compile(condition, kParams, plans);
  const auto precheck = compile_precheck(condition, kParams, plans);
  if (!fast || !precheck) {
    ADD_FAILURE() << text << ": not compiled";
    return 0;
  }
  const auto code = Emit(*precheck);
  int held = 0;
  for (const Call& call : Calls()) {
    const void* args[12];
    for (size_t i = 0; i < 12; ++i) args[i] = &call.cells[i];
    const bool expected = fast->evaluate(args, 12, [] { return int64_t{0}; });
    const int got = RunIl(code, call);
    EXPECT_EQ(got, expected ? 1 : 0) << text << " on e=" << static_cast<int32_t>(call.cells[4])
                                     << " g=" << static_cast<int64_t>(call.cells[6]) << " h=" << call.cells[7]
                                     << " j=" << std::bit_cast<double>(call.cells[9]);
    held += expected;
  }
  return held;
}

const char* const kOps[] = {"==", "!=", "<", "<=", ">", ">="};
const char* const kLiterals[] = {"0",
                                 "1",
                                 "-1",
                                 "127",
                                 "-128",
                                 "255",
                                 "32767",
                                 "-32768",
                                 "65535",
                                 "2147483647",
                                 "-2147483648",
                                 "4294967295",
                                 "9223372036854775807",
                                 "-9223372036854775808",
                                 "18446744073709551615",
                                 "9007199254740993",
                                 "0.5",
                                 "-0.5",
                                 "-0.0",
                                 "3.0",
                                 "2147483647.5"};

TEST(WatchPrecheck, EveryComparisonOfEveryNumericTypeDecidesAsFastCondition) {
  int compiled = 0, held = 0, total = 0;
  for (const std::string& name : kNames) {
    for (const char* op : kOps) {
      for (const char* literal : kLiterals) {
        for (const bool literal_first : {false, true}) {
          const std::string text =
              literal_first ? std::string(literal) + " " + op + " " + name : name + " " + op + " " + literal;
          const bool fraction = std::string(literal).find('.') != std::string::npos;
          if ((name == "h" || name == "l") && fraction) {
            EXPECT_FALSE(Compile(text)) << text << ": a ulong against a fraction is left to the hook";
            continue;
          }
          held += ExpectAgrees(text);
          total += static_cast<int>(Calls().size());
          ++compiled;
        }
      }
    }
  }
  // Both outcomes were exercised, plenty of each.
  EXPECT_GT(compiled, 2500);
  EXPECT_GT(held, total / 5);
  EXPECT_LT(held, total - total / 5);
}

TEST(WatchPrecheck, CombinedConditionsDecideAsFastCondition) {
  for (const char* text : {"e < 0 && g >= 5", "!(e == 3)", "j <= 0.5 || !(i > 1)", "!(j >= 0.5)", "j != 0.5",
                           "(a < 0 || b > 200) && !(h == 0)", "e >= 0 && e <= 255 && !(k < 0 || l > 65535)",
                           "!(!(f > 3) && (c < -5 || d >= 7))", "5 < g && 0.5 >= i"}) {
    ExpectAgrees(text);
  }
}

TEST(WatchPrecheck, ConditionsTheIlCannotDecideAreLeftToTheHook) {
  for (const char* text : {"latency > 5ms", "e < 0 && latency > 1ms", "e", "!e", "e == g", "h < 0.5", "l >= 1.5",
                           "e == \"x\"", "e == true", "e == null"}) {
    EXPECT_FALSE(Compile(text)) << text;
  }
  // A parameter the hook does not read as a number (a string).
  const std::vector<std::string> names = {"s"};
  std::vector<CapturePlan> plans(1);
  plans[0].kind = CaptureKind::String;
  auto bound = bind_condition(*parse_condition("s == 1"), names);
  ASSERT_TRUE(bound.ok());
  const std::vector<uint16_t> params = {0};
  EXPECT_FALSE(compile_precheck(*bound, params, plans));
}

TEST(WatchPrecheck, AnArgumentWithoutAnEntryCopyOrOfAnotherTypeEmitsNothing) {
  const auto precheck = Compile("e < 0");
  ASSERT_TRUE(precheck);
  std::vector<std::optional<uint16_t>> copies(12, std::optional<uint16_t>(kFirstCopy));
  std::vector<ElementType> params(std::begin(kElements), std::end(kElements));
  std::vector<il::DraftInstruction> code;
  copies[4].reset();  // e is ref/out: read in place, no copy
  EXPECT_FALSE(il::emit_watch_precheck(&code, *precheck, copies, params));
  copies[4] = kFirstCopy;
  params[4] = ElementType::I8;  // the method's e is not an int
  EXPECT_FALSE(il::emit_watch_precheck(&code, *precheck, copies, params));
  EXPECT_TRUE(code.empty());
}

TEST(WatchPrecheck, ALiteralOutsideTheArgumentsRangeGivesTheConstantOutcome) {
  auto below = Compile("e < 18446744073709551615");
  ASSERT_TRUE(below);
  ASSERT_EQ(below->nodes.size(), 1u);
  EXPECT_EQ(below->nodes[0].kind, il::PrecheckNode::Kind::Constant);
  EXPECT_TRUE(below->nodes[0].constant);
  auto above = Compile("h <= -1");
  ASSERT_TRUE(above);
  EXPECT_EQ(above->nodes[0].kind, il::PrecheckNode::Kind::Constant);
  EXPECT_FALSE(above->nodes[0].constant);
}

TEST(WatchPrecheck, ItsStackNeedCoversTheDeepestNesting) {
  // Right-nested: each level keeps one result while the next compares.
  const auto flat = Compile("e < 0");
  const auto nested = Compile("e < 0 || (e > 5 && (g == 3 || !(h > 1)))");
  ASSERT_TRUE(flat && nested);
  EXPECT_EQ(il::precheck_stack_need(*flat), 2);
  EXPECT_EQ(il::precheck_stack_need(*nested), 5);
}

}  // namespace
}  // namespace clrprobe::watch
