#include "watch/fast_condition.h"

#include <cstring>

#include "watch/numeric_comparison.h"

namespace clrprobe::watch {

using Kind = ConditionNode::Kind;

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
    auto match = match_numeric_comparison(nodes, n, arg_params, arg_plans);
    if (!match) return std::nullopt;
    out.op = match->op;
    out.literal_first = match->literal_first;
    out.literal = match->literal;
    out.latency = match->operand == NumericComparison::Operand::Latency;
    out.position = match->position;
    out.capture = match->capture;
  } else {
    return std::nullopt;  // a bare operand's truth, exception, ...: the general evaluator
  }
  nodes_.push_back(out);
  return static_cast<uint32_t>(nodes_.size() - 1);
}

}  // namespace clrprobe::watch
