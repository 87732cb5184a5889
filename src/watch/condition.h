// The `--when` condition language of `clrprobe watch`:
//
//   expr    := or
//   or      := and ('||' and)*
//   and     := unary ('&&' unary)*
//   unary   := '!' unary | compare
//   compare := operand (('=='|'!='|'<'|'<='|'>'|'>=') operand)?
//   operand := '(' expr ')' | literal | 'latency' | 'return' | 'exception' | 'argN' | parameter-name
//   literal := number | duration | string | 'true' | 'false' | 'null'
//   duration: a number followed by ns, us, ms or s (`latency` is in nanoseconds)
//   string  : "..." or '...' with \" \' \\ escapes
//
// A bare operand in a boolean position is true when it is `true`, a non-zero
// number, a non-empty string, a non-null object, or (`exception`) when an
// exception escaped. `exception == "TypeName"` matches the full or the
// simple type name. Values of different kinds are unequal; `<`-style
// comparisons between them are false. An operand that was not captured
// (`return` of a void method) compares false (and `!=` true).
//
// parse_condition() checks the syntax and what can be checked without the
// method (e.g. `latency` is compared with durations); errors say the column
// (1-based) where they were found. bind_condition() resolves names and argN
// against one method's parameters, refusing unknown ones. Both run before
// anything is instrumented.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "watch/watch_value.h"

namespace clrprobe::watch {

enum class CompareOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

struct ConditionNode {
  enum class Kind : uint8_t { Or, And, Not, Compare, Literal, Latency, Return, Exception, Arg, Name };
  Kind kind = Kind::Literal;
  CompareOp op = CompareOp::Eq;  // Compare
  uint32_t left = 0;             // Or/And/Compare: left operand; Not: operand
  uint32_t right = 0;            // Or/And/Compare
  uint32_t arg = 0;              // Arg: parameter index (argN, or Name once bound)
  Value literal;                 // Literal
  std::string name;              // Name: the parameter name as written
  uint32_t column = 0;           // 1-based position in the text, for errors
};

// What the condition reads: the agent captures at least these.
struct ConditionUses {
  bool latency = false;
  bool return_value = false;
  bool exception = false;
  std::vector<uint32_t> args;  // parameter indices, sorted, unique (after bind)
};

class Condition {
 public:
  // The condition that is always true (no `--when`).
  Condition();

  const std::string& text() const { return text_; }
  bool always() const { return nodes_.size() == 1 && nodes_[0].kind == ConditionNode::Kind::Literal; }
  // Parameter names used (unbound), for the CLI's messages.
  std::vector<std::string> names() const;
  ConditionUses uses() const;
  const std::vector<ConditionNode>& nodes() const { return nodes_; }
  uint32_t root() const { return root_; }

 private:
  friend Result<Condition> parse_condition(std::string_view text);
  friend Result<Condition> bind_condition(const Condition& condition, std::span<const std::string> parameter_names);
  std::string text_;
  std::vector<ConditionNode> nodes_;
  uint32_t root_ = 0;
  bool bound_ = false;
};

// InvalidInput "column N: ..." for malformed text.
Result<Condition> parse_condition(std::string_view text);

// Resolves parameter names and checks argN against `parameter_names` (in
// declaration order, without `this`). NotFound for an unknown name, with the
// method's parameter names in the message.
Result<Condition> bind_condition(const Condition& condition, std::span<const std::string> parameter_names);

// The facts of one finished call. `args[i]` is parameter i (missing or
// Absent: not captured); `exception` Absent when the call returned.
struct CallFacts {
  int64_t latency_ns = 0;
  std::span<const Value> args;
  const Value* return_value = nullptr;
  const Value* exception = nullptr;  // Object: type = exception type, text = message
};

// A number as comparisons see it (kind Int, UInt or Float of a Value): the
// one comparison both evaluators use (fast_condition.h reads raw values).
struct Number {
  ValueKind kind = ValueKind::Int;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
  static Number of(const Value& v);
};

// `a op b`.
template <typename T>
bool ordered(T a, T b, CompareOp op) {
  switch (op) {
    case CompareOp::Eq:
      return a == b;
    case CompareOp::Ne:
      return a != b;
    case CompareOp::Lt:
      return a < b;
    case CompareOp::Le:
      return a <= b;
    case CompareOp::Gt:
      return a > b;
    case CompareOp::Ge:
      return a >= b;
  }
  return false;
}

// Integers compare exactly (as 128-bit), anything with a Float as doubles.
// Inline: the fast condition (fast_condition.h) calls it on every call.
inline bool compare_numbers(const Number& a, const Number& b, CompareOp op) {
  if (a.kind == ValueKind::Float || b.kind == ValueKind::Float) {
    auto as_double = [](const Number& v) {
      return v.kind == ValueKind::Float  ? v.f
             : v.kind == ValueKind::UInt ? static_cast<double>(v.u)
                                         : static_cast<double>(v.i);
    };
    return ordered(as_double(a), as_double(b), op);
  }
  auto wide = [](const Number& v) {
    return v.kind == ValueKind::UInt ? static_cast<__int128>(v.u) : static_cast<__int128>(v.i);
  };
  return ordered(wide(a), wide(b), op);
}

// A bound condition (an unbound Name operand evaluates as not captured).
bool evaluate(const Condition& condition, const CallFacts& facts);

}  // namespace clrprobe::watch
