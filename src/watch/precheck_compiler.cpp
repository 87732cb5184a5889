#include "watch/precheck_compiler.h"

#include <cstdint>
#include <limits>

#include "watch/numeric_comparison.h"

namespace clrprobe::watch {
namespace {

using Kind = ConditionNode::Kind;
using il::ElementType;
using il::PrecheckDomain;
using il::PrecheckNode;
using il::PrecheckOp;

std::optional<ElementType> element_of(CaptureKind kind) {
  switch (kind) {
    case CaptureKind::I1:
      return ElementType::I1;
    case CaptureKind::U1:
      return ElementType::U1;
    case CaptureKind::I2:
      return ElementType::I2;
    case CaptureKind::U2:
      return ElementType::U2;
    case CaptureKind::I4:
      return ElementType::I4;
    case CaptureKind::U4:
      return ElementType::U4;
    case CaptureKind::I8:
      return ElementType::I8;
    case CaptureKind::U8:
      return ElementType::U8;
    case CaptureKind::R4:
      return ElementType::R4;
    case CaptureKind::R8:
      return ElementType::R8;
    case CaptureKind::IntPtr:
      return ElementType::I;
    case CaptureKind::UIntPtr:
      return ElementType::U;
    default:
      return std::nullopt;
  }
}

PrecheckOp to_il(CompareOp op) {
  switch (op) {
    case CompareOp::Eq:
      return PrecheckOp::Eq;
    case CompareOp::Ne:
      return PrecheckOp::Ne;
    case CompareOp::Lt:
      return PrecheckOp::Lt;
    case CompareOp::Le:
      return PrecheckOp::Le;
    case CompareOp::Gt:
      return PrecheckOp::Gt;
    case CompareOp::Ge:
      return PrecheckOp::Ge;
  }
  return PrecheckOp::Eq;
}

// The outcome of `x op literal` when every x is below (or above) the literal.
PrecheckNode constant(CompareOp op, bool operand_below) {
  PrecheckNode n;
  n.kind = PrecheckNode::Kind::Constant;
  n.constant = operand_below ? ordered(0, 1, op) : ordered(1, 0, op);
  return n;
}

std::optional<PrecheckNode> comparison(CompareOp op, ElementType element, uint16_t position, const Number& literal) {
  PrecheckNode n;
  n.kind = PrecheckNode::Kind::Compare;
  n.position = position;
  n.element = element;
  n.op = to_il(op);
  const bool floating = element == ElementType::R4 || element == ElementType::R8;
  const bool wide_unsigned = element == ElementType::U8 || element == ElementType::U;
  if (floating || literal.kind == ValueKind::Float) {
    // compare_numbers compares as doubles; a ulong's conversion to double is
    // left to the hook (the JIT's and C++'s roundings need not agree).
    if (wide_unsigned) return std::nullopt;
    n.domain = PrecheckDomain::Double;
    n.literal_double = literal.kind == ValueKind::Float  ? literal.f
                       : literal.kind == ValueKind::UInt ? static_cast<double>(literal.u)
                                                         : static_cast<double>(literal.i);
    return n;
  }
  constexpr auto kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (wide_unsigned) {
    if (literal.kind == ValueKind::Int && literal.i < 0) return constant(op, /*operand_below=*/false);
    n.domain = PrecheckDomain::Unsigned;
    n.literal_unsigned = literal.kind == ValueKind::UInt ? literal.u : static_cast<uint64_t>(literal.i);
    return n;
  }
  // Every value of the other integer types fits int64.
  if (literal.kind == ValueKind::UInt && literal.u > kInt64Max) return constant(op, /*operand_below=*/true);
  n.domain = PrecheckDomain::Signed;
  n.literal_signed = literal.kind == ValueKind::UInt ? static_cast<int64_t>(literal.u) : literal.i;
  return n;
}

class Compiler {
 public:
  Compiler(const Condition& condition, std::span<const uint16_t> arg_params, std::span<const CapturePlan> arg_plans)
      : nodes_(condition.nodes()), arg_params_(arg_params), arg_plans_(arg_plans) {}

  // The index of node `index`'s translation in out_ (children first).
  std::optional<uint32_t> node(uint32_t index, uint32_t depth = 0) {
    if (index >= nodes_.size() || depth > il::kMaxPrecheckNodes || out_.nodes.size() >= il::kMaxPrecheckNodes) {
      return std::nullopt;
    }
    const ConditionNode& n = nodes_[index];
    PrecheckNode out;
    switch (n.kind) {
      case Kind::Or:
      case Kind::And:
      case Kind::Not: {
        auto left = node(n.left, depth + 1);
        if (!left) return std::nullopt;
        out.left = *left;
        out.kind = n.kind == Kind::Not  ? PrecheckNode::Kind::Not
                   : n.kind == Kind::Or ? PrecheckNode::Kind::Or
                                        : PrecheckNode::Kind::And;
        if (n.kind != Kind::Not) {
          auto right = node(n.right, depth + 1);
          if (!right) return std::nullopt;
          out.right = *right;
        }
        break;
      }
      case Kind::Compare: {
        auto compared = compare(n);
        if (!compared) return std::nullopt;
        out = *compared;
        break;
      }
      default:
        return std::nullopt;  // a bare operand's truth: the hook
    }
    if (out_.nodes.size() >= il::kMaxPrecheckNodes) return std::nullopt;
    out_.nodes.push_back(out);
    return static_cast<uint32_t>(out_.nodes.size() - 1);
  }

  il::WatchPrecheck take(uint32_t root) {
    out_.root = root;
    return std::move(out_);
  }

 private:
  std::optional<PrecheckNode> compare(const ConditionNode& n) {
    auto match = match_numeric_comparison(nodes_, n, arg_params_, arg_plans_);
    if (!match || match->operand != NumericComparison::Operand::Argument) return std::nullopt;
    const auto element = element_of(match->capture);
    if (!element) return std::nullopt;
    return comparison(match->operand_first_op(), *element, static_cast<uint16_t>(match->position), match->literal);
  }

  const std::vector<ConditionNode>& nodes_;
  std::span<const uint16_t> arg_params_;
  std::span<const CapturePlan> arg_plans_;
  il::WatchPrecheck out_;
};

}  // namespace

std::optional<il::WatchPrecheck> compile_precheck(const Condition& condition, std::span<const uint16_t> arg_params,
                                                  std::span<const CapturePlan> arg_plans) {
  if (condition.always()) return std::nullopt;
  Compiler compiler(condition, arg_params, arg_plans);
  auto root = compiler.node(condition.root());
  if (!root) return std::nullopt;
  return compiler.take(*root);
}

}  // namespace clrprobe::watch
