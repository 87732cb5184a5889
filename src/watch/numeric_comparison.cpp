#include "watch/numeric_comparison.h"

#include <utility>

namespace clrprobe::watch {

using Kind = ConditionNode::Kind;

CompareOp NumericComparison::operand_first_op() const { return literal_first ? mirrored(op) : op; }

bool numeric_capture(CaptureKind kind) {
  switch (kind) {
    case CaptureKind::I1:
    case CaptureKind::U1:
    case CaptureKind::I2:
    case CaptureKind::U2:
    case CaptureKind::I4:
    case CaptureKind::U4:
    case CaptureKind::I8:
    case CaptureKind::U8:
    case CaptureKind::R4:
    case CaptureKind::R8:
    case CaptureKind::IntPtr:
    case CaptureKind::UIntPtr:
      return true;
    default:
      return false;
  }
}

CompareOp mirrored(CompareOp op) {
  switch (op) {
    case CompareOp::Lt:
      return CompareOp::Gt;
    case CompareOp::Le:
      return CompareOp::Ge;
    case CompareOp::Gt:
      return CompareOp::Lt;
    case CompareOp::Ge:
      return CompareOp::Le;
    default:
      return op;
  }
}

std::optional<NumericComparison> match_numeric_comparison(std::span<const ConditionNode> nodes,
                                                          const ConditionNode& compare,
                                                          std::span<const uint16_t> arg_params,
                                                          std::span<const CapturePlan> arg_plans) {
  if (compare.kind != Kind::Compare || compare.left >= nodes.size() || compare.right >= nodes.size()) {
    return std::nullopt;
  }
  const ConditionNode* operand = &nodes[compare.left];
  const ConditionNode* literal = &nodes[compare.right];
  NumericComparison out;
  out.op = compare.op;
  out.literal_first = operand->kind == Kind::Literal;
  if (out.literal_first) std::swap(operand, literal);
  if (literal->kind != Kind::Literal || !literal->literal.is_number()) return std::nullopt;
  out.literal = Number::of(literal->literal);
  if (operand->kind == Kind::Latency) {
    out.operand = NumericComparison::Operand::Latency;
    return out;
  }
  if (operand->kind != Kind::Arg) return std::nullopt;
  size_t position = 0;
  while (position < arg_params.size() && arg_params[position] != operand->arg) ++position;
  if (position >= arg_params.size() || position >= arg_plans.size()) return std::nullopt;
  if (!numeric_capture(arg_plans[position].kind)) return std::nullopt;
  out.position = static_cast<uint32_t>(position);
  out.capture = arg_plans[position].kind;
  return out;
}

}  // namespace clrprobe::watch
