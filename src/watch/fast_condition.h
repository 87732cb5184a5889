// The watch condition of the common case, evaluated on the raw values.
//
// A condition whose every comparison sets a numeric argument (integers of any
// width, float, double) or the latency against a number literal, joined by
// && || !, decides without making a Value (each owns two strings) for every
// call: it loads the argument from the address the hook was handed and
// compares through compare_numbers, the comparison the general evaluator
// (condition.h) uses, so both agree on every input (FastCondition.* tests
// check them against each other). Anything else (strings, enums, the return
// value, exceptions, truthiness of a bare operand) is left to the general
// evaluator: compile() returns nullopt.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "watch/condition.h"
#include "watch/value_reader.h"

namespace clrprobe::watch {

class FastCondition {
 public:
  // arg_params/arg_plans: hook position -> declared parameter index / how to
  // read it (WatchedMethod).
  static std::optional<FastCondition> compile(const Condition& condition, std::span<const uint16_t> arg_params,
                                              std::span<const CapturePlan> arg_plans);

  // args: the addresses the hook was handed, by position. latency() is called
  // at most once, only when a comparison needs it.
  template <typename LatencyNs>
  bool evaluate(const void* const* args, uint32_t count, LatencyNs&& latency) const {
    // One comparison, the usual condition: no recursion, no memo.
    if (nodes_.size() == 1) return compare(nodes_[0], args, count, latency);
    std::optional<int64_t> latency_ns;
    return truth(root_, args, count, [&] {
      if (!latency_ns) latency_ns = latency();
      return *latency_ns;
    });
  }

 private:
  struct Node {
    ConditionNode::Kind kind = ConditionNode::Kind::Compare;  // Or, And, Not or Compare
    uint32_t left = 0, right = 0;                             // Or/And/Not
    CompareOp op = CompareOp::Eq;                             // Compare: operand op literal
    bool latency = false;                                     // operand: the latency, else an argument
    uint32_t position = 0;                                    // argument: its hook position
    CaptureKind capture = CaptureKind::I4;                    // argument: how it is read
    bool literal_first = false;                               // written `literal op operand`
    Number literal;
  };

  template <typename Latency>
  bool truth(uint32_t index, const void* const* args, uint32_t count, const Latency& latency) const {
    const Node& n = nodes_[index];
    switch (n.kind) {
      case ConditionNode::Kind::Or:
        return truth(n.left, args, count, latency) || truth(n.right, args, count, latency);
      case ConditionNode::Kind::And:
        return truth(n.left, args, count, latency) && truth(n.right, args, count, latency);
      case ConditionNode::Kind::Not:
        return !truth(n.left, args, count, latency);
      default:
        return compare(n, args, count, latency);
    }
  }

  template <typename Latency>
  static bool compare(const Node& n, const void* const* args, uint32_t count, const Latency& latency) {
    Number operand;
    if (n.latency) {
      operand.i = latency();
    } else {
      if (n.position >= count || args[n.position] == nullptr) return n.op == CompareOp::Ne;  // not captured
      operand = load_number(n.capture, args[n.position]);
    }
    return n.literal_first ? compare_numbers(n.literal, operand, n.op) : compare_numbers(operand, n.literal, n.op);
  }

  // As read_value reads it (Int, UInt or Float).
  static Number load_number(CaptureKind kind, const void* address) {
    Number n;
    switch (kind) {
      case CaptureKind::R4: {
        float f;
        std::memcpy(&f, address, sizeof f);
        n.kind = ValueKind::Float;
        n.f = f;
        return n;
      }
      case CaptureKind::R8:
        n.kind = ValueKind::Float;
        std::memcpy(&n.f, address, sizeof n.f);
        return n;
      case CaptureKind::I1:
        n.i = load<int8_t>(address);
        return n;
      case CaptureKind::I2:
        n.i = load<int16_t>(address);
        return n;
      case CaptureKind::I4:
        n.i = load<int32_t>(address);
        return n;
      case CaptureKind::I8:
      case CaptureKind::IntPtr:
        n.i = load<int64_t>(address);
        return n;
      case CaptureKind::U1:
        n.kind = ValueKind::UInt;
        n.u = load<uint8_t>(address);
        return n;
      case CaptureKind::U2:
        n.kind = ValueKind::UInt;
        n.u = load<uint16_t>(address);
        return n;
      case CaptureKind::U4:
        n.kind = ValueKind::UInt;
        n.u = load<uint32_t>(address);
        return n;
      default:  // U8, UIntPtr (compile() admits numeric kinds only)
        n.kind = ValueKind::UInt;
        n.u = load<uint64_t>(address);
        return n;
    }
  }

  template <typename T>
  static T load(const void* address) {
    T v;
    std::memcpy(&v, address, sizeof v);
    return v;
  }
  std::optional<uint32_t> compile_node(const Condition& condition, uint32_t index,
                                       std::span<const uint16_t> arg_params, std::span<const CapturePlan> arg_plans);

  std::vector<Node> nodes_;
  uint32_t root_ = 0;
};

}  // namespace clrprobe::watch
