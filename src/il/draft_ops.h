// Short builders for draft instructions, shared by the code that writes IL
// (the probe rewriter and the task tracker's helper bodies).
#pragma once

#include <cstdint>
#include <vector>

#include "il/code_layout.h"
#include "il/opcodes.h"

namespace clrprobe::il {

inline DraftInstruction op(Opcode opcode, int64_t operand = 0) {
  DraftInstruction d;
  d.opcode = opcode;
  d.operand = operand;
  return d;
}

// A branch to draft index `target` (short form: lay_out widens it if needed).
inline DraftInstruction branch(Opcode opcode, uint32_t target) {
  DraftInstruction d = op(opcode);
  d.target = target;
  return d;
}

inline DraftInstruction load_local(uint16_t index) {
  if (index <= 3) return op(static_cast<Opcode>(static_cast<uint16_t>(Opcode::Ldloc_0) + index));
  if (index <= 0xFF) return op(Opcode::Ldloc_S, index);
  return op(Opcode::Ldloc, index);
}

inline DraftInstruction load_local_address(uint16_t index) {
  return index <= 0xFF ? op(Opcode::Ldloca_S, index) : op(Opcode::Ldloca, index);
}

inline DraftInstruction store_local(uint16_t index) {
  if (index <= 3) return op(static_cast<Opcode>(static_cast<uint16_t>(Opcode::Stloc_0) + index));
  if (index <= 0xFF) return op(Opcode::Stloc_S, index);
  return op(Opcode::Stloc, index);
}

// ldc.i8 fn; conv.i; calli sig
inline void append_native_call(std::vector<DraftInstruction>* code, uint64_t fn, uint32_t sig_token) {
  code->push_back(op(Opcode::Ldc_I8, static_cast<int64_t>(fn)));
  code->push_back(op(Opcode::Conv_I));
  code->push_back(op(Opcode::Calli, sig_token));
}

}  // namespace clrprobe::il
