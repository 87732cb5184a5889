// Building code: instructions whose branch targets are instruction indices,
// laid out into offsets with short branches widened where their
// displacement no longer fits in a byte.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "il/instruction.h"

namespace clrprobe::il {

struct DraftInstruction {
  Opcode opcode = Opcode::Nop;
  int64_t operand = 0;                    // as Instruction::operand
  uint32_t target = 0;                    // branches: index of the target instruction
  std::vector<uint32_t> switch_targets;   // switch: indices of the targets
};

struct Layout {
  std::vector<Instruction> instructions;
  // offsets[i] is where draft instruction i starts; offsets[n] is the code size.
  std::vector<uint64_t> offsets;
  uint32_t widened_branches = 0;
};

// Lays out `draft` (every target index must name a draft instruction).
// Short branches start short and are
// widened until every displacement fits; widening only grows code, so this
// terminates. Fails with MethodTooLarge if the code exceeds max_code_size and
// InvalidInput on a target index out of range.
Result<Layout> lay_out(const std::vector<DraftInstruction>& draft, uint64_t max_code_size);

}  // namespace clrprobe::il
