#include "il/opcodes.h"

#include <array>

namespace clrprobe::il {
namespace {

constexpr OpcodeInfo kAllOpcodes[] = {
#define CLRPROBE_IL_ROW(id, name, value, operand, pops, pushes, flow) \
  {Opcode::id, name, OperandKind::operand, pops, pushes, FlowKind::flow},
    CLRPROBE_IL_OPCODES(CLRPROBE_IL_ROW)
#undef CLRPROBE_IL_ROW
};

// Two-byte opcodes use second bytes 0x00..0x1E today; keep room to 0xFF so a
// lookup never needs a range check beyond the byte itself.
struct Tables {
  std::array<const OpcodeInfo*, 256> one_byte{};
  std::array<const OpcodeInfo*, 256> two_byte{};
};

constexpr Tables build_tables() {
  Tables t{};
  for (const OpcodeInfo& info : kAllOpcodes) {
    const auto v = static_cast<uint16_t>(info.opcode);
    if (v >= 0xFE00) {
      t.two_byte[v & 0xFF] = &info;
    } else {
      t.one_byte[v] = &info;
    }
  }
  return t;
}

constexpr Tables kTables = build_tables();

}  // namespace

const OpcodeInfo* find_opcode(uint16_t encoded) {
  if (encoded >= 0xFE00) return kTables.two_byte[encoded & 0xFF];
  if (encoded > 0xFF) return nullptr;
  return kTables.one_byte[encoded];
}

const OpcodeInfo& opcode_info(Opcode op) {
  // Every enumerator comes from the same X-macro as the table.
  return *find_opcode(static_cast<uint16_t>(op));
}

uint32_t operand_size(OperandKind kind) {
  switch (kind) {
    case OperandKind::None: return 0;
    case OperandKind::Int8:
    case OperandKind::UInt8:
    case OperandKind::ShortVar:
    case OperandKind::ShortBranch: return 1;
    case OperandKind::Int16Var: return 2;
    case OperandKind::Int32:
    case OperandKind::Float32:
    case OperandKind::Token:
    case OperandKind::Branch:
    case OperandKind::Switch: return 4;
    case OperandKind::Int64:
    case OperandKind::Float64: return 8;
  }
  return 0;
}

bool is_prefix(Opcode op) { return opcode_info(op).flow == FlowKind::Meta; }

bool is_short_branch(Opcode op) {
  return opcode_info(op).operand == OperandKind::ShortBranch;
}

bool is_long_branch(Opcode op) {
  return opcode_info(op).operand == OperandKind::Branch;
}

bool is_branch(Opcode op) { return is_short_branch(op) || is_long_branch(op); }

bool is_leave(Opcode op) { return op == Opcode::Leave || op == Opcode::Leave_S; }

Opcode widen_branch(Opcode op) {
  const auto v = static_cast<uint16_t>(op);
  if (op == Opcode::Leave_S) return Opcode::Leave;
  // br.s..blt.un.s (0x2B..0x37) and br..blt.un (0x38..0x44) are parallel runs.
  if (v >= 0x2B && v <= 0x37) return static_cast<Opcode>(v + (0x38 - 0x2B));
  return op;
}

}  // namespace clrprobe::il
