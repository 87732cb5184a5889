#include "il/code_layout.h"

#include <string>

namespace clrprobe::il {
namespace {

uint64_t size_of(Opcode op, size_t switch_count) {
  const OperandKind kind = opcode_info(op).operand;
  uint64_t n = opcode_size(op) + operand_size(kind);
  if (kind == OperandKind::Switch) n += 4u * uint64_t{switch_count};
  return n;
}

}  // namespace

Result<Layout> lay_out(const std::vector<DraftInstruction>& draft, uint64_t max_code_size) {
  const size_t n = draft.size();
  std::vector<Opcode> ops(n);
  for (size_t i = 0; i < n; ++i) {
    const DraftInstruction& d = draft[i];
    ops[i] = d.opcode;
    if (is_branch(d.opcode) && d.target >= n) {
      return make_error(Reason::InvalidInput, "draft branch target out of range");
    }
    for (uint32_t t : d.switch_targets) {
      if (t >= n) return make_error(Reason::InvalidInput, "draft switch target out of range");
    }
  }

  Layout layout;
  layout.offsets.assign(n + 1, 0);
  for (;;) {
    for (size_t i = 0; i < n; ++i) {
      layout.offsets[i + 1] = layout.offsets[i] + size_of(ops[i], draft[i].switch_targets.size());
    }
    if (layout.offsets[n] > max_code_size) {
      return make_error(Reason::MethodTooLarge,
                        "rewritten code would be " + std::to_string(layout.offsets[n]) +
                            " bytes (limit " + std::to_string(max_code_size) + ")");
    }
    bool changed = false;
    for (size_t i = 0; i < n; ++i) {
      if (!is_short_branch(ops[i])) continue;
      const int64_t disp = static_cast<int64_t>(layout.offsets[draft[i].target]) -
                           static_cast<int64_t>(layout.offsets[i + 1]);
      if (disp < -128 || disp > 127) {
        ops[i] = widen_branch(ops[i]);
        ++layout.widened_branches;
        changed = true;
      }
    }
    if (!changed) break;
  }

  layout.instructions.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Instruction& ins = layout.instructions[i];
    ins.offset = static_cast<uint32_t>(layout.offsets[i]);
    ins.opcode = ops[i];
    ins.operand = draft[i].operand;
    if (is_branch(ops[i])) ins.target = static_cast<int64_t>(layout.offsets[draft[i].target]);
    for (uint32_t t : draft[i].switch_targets) {
      ins.switch_targets.push_back(static_cast<int64_t>(layout.offsets[t]));
    }
  }
  return layout;
}

}  // namespace clrprobe::il
