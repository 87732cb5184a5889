#include "watch/fast_condition.h"

#include <cstring>

namespace clrprobe::watch {
namespace {

using Kind = ConditionNode::Kind;

// The kinds read_value makes a number of (Int, UInt or Float), and nothing
// else about them matters to a comparison with a number.
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

}  // namespace

std::optional<FastCondition> FastCondition::compile(const Condition& condition, std::span<const uint16_t> arg_params,
                                                    std::span<const CapturePlan> arg_plans) {
  if (condition.always()) return std::nullopt;
  FastCondition fast;
  auto root = fast.compile_node(condition, condition.root(), arg_params, arg_plans);
  if (!root) return std::nullopt;
  fast.root_ = *root;
  return fast;
}

std::optional<uint32_t> FastCondition::compile_node(const Condition& condition, uint32_t index,
                                                    std::span<const uint16_t> arg_params,
                                                    std::span<const CapturePlan> arg_plans) {
  const auto& nodes = condition.nodes();
  const ConditionNode& n = nodes[index];
  Node out;
  out.kind = n.kind;
  if (n.kind == Kind::Or || n.kind == Kind::And || n.kind == Kind::Not) {
    auto left = compile_node(condition, n.left, arg_params, arg_plans);
    if (!left) return std::nullopt;
    out.left = *left;
    if (n.kind != Kind::Not) {
      auto right = compile_node(condition, n.right, arg_params, arg_plans);
      if (!right) return std::nullopt;
      out.right = *right;
    }
  } else if (n.kind == Kind::Compare) {
    const ConditionNode* operand = &nodes[n.left];
    const ConditionNode* literal = &nodes[n.right];
    out.literal_first = operand->kind == Kind::Literal;
    if (out.literal_first) std::swap(operand, literal);
    if (literal->kind != Kind::Literal || !literal->literal.is_number()) return std::nullopt;
    out.op = n.op;
    out.literal = Number::of(literal->literal);
    if (operand->kind == Kind::Latency) {
      out.latency = true;
    } else if (operand->kind == Kind::Arg) {
      size_t position = 0;
      while (position < arg_params.size() && arg_params[position] != operand->arg) ++position;
      if (position >= arg_params.size() || position >= arg_plans.size()) return std::nullopt;
      if (!numeric_capture(arg_plans[position].kind)) return std::nullopt;
      out.position = static_cast<uint32_t>(position);
      out.capture = arg_plans[position].kind;
    } else {
      return std::nullopt;
    }
  } else {
    return std::nullopt;  // a bare operand's truth, exception, ...: the general evaluator
  }
  nodes_.push_back(out);
  return static_cast<uint32_t>(nodes_.size() - 1);
}

}  // namespace clrprobe::watch
