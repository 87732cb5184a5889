// Recognises the comparison both fast paths of a watch condition handle: one
// numeric argument (or the latency) against a number literal, in either
// order. FastCondition (the C++ check every watched call may run) and the IL
// precheck compiler (watch/precheck_compiler.h) both start from this match,
// so they agree on which comparisons are theirs and on what each one reads.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "watch/condition.h"
#include "watch/value_reader.h"

namespace clrprobe::watch {

struct NumericComparison {
  enum class Operand : uint8_t { Argument, Latency };
  Operand operand = Operand::Argument;
  CompareOp op = CompareOp::Eq;           // as written: `operand op literal`, or `literal op operand`
  bool literal_first = false;             // written `literal op operand`
  uint32_t position = 0;                  // Argument: its hook position
  CaptureKind capture = CaptureKind::I4;  // Argument: how it is read (numeric_capture holds)
  Number literal;

  // The operator with the operand on the left: `literal < x` is `x > literal`.
  CompareOp operand_first_op() const;
};

// The kinds read_value makes a number of (Int, UInt or Float).
bool numeric_capture(CaptureKind kind);

// `literal op x` is `x mirrored(op) literal`, for doubles (NaN too) as well.
CompareOp mirrored(CompareOp op);

// `compare` (a Compare node of `nodes`) as a numeric comparison, or nullopt when
// it compares anything else: a string, an enum, the return value, a bare
// operand, an argument that is not captured as a number. arg_params/arg_plans:
// hook position -> declared parameter index / how it is read.
std::optional<NumericComparison> match_numeric_comparison(std::span<const ConditionNode> nodes,
                                                          const ConditionNode& compare,
                                                          std::span<const uint16_t> arg_params,
                                                          std::span<const CapturePlan> arg_plans);

}  // namespace clrprobe::watch
