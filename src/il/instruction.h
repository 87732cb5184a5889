// One decoded CIL instruction and the (de)coding of a whole code stream.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "il/opcodes.h"

namespace clrprobe::il {

struct Instruction {
  uint32_t offset = 0;  // byte offset of the opcode within the code
  Opcode opcode = Opcode::Nop;
  // Immediate operand: the integer value (Int8/UInt8/ShortVar/Int16Var/Int32/
  // Int64), the token (Token), or the raw IEEE-754 bits (Float32/Float64, so
  // NaN payloads survive a round trip). Unused for branches and switch.
  int64_t operand = 0;
  // ShortBranch/Branch: absolute target offset (may lie outside the code in
  // malformed input; the verifier rejects that).
  int64_t target = 0;
  // Switch: absolute target offsets, in table order.
  std::vector<int64_t> switch_targets;

  const OpcodeInfo& info() const { return opcode_info(opcode); }
  // Encoded size in bytes (opcode + operand + switch table).
  uint32_t size() const;
  uint32_t end() const { return offset + size(); }
};

// Decodes `code` completely. Fails with Truncated when an operand runs past
// the end and UnsupportedOpcode for reserved encodings. Never reads outside
// `code`, never allocates more than the input can justify.
Result<std::vector<Instruction>> decode_instructions(std::span<const uint8_t> code);

// Appends the encoding of `instructions` to *out. Each instruction's offset
// must equal its position relative to the first instruction (callers lay the
// code out first); displacements are computed from `target`. Fails with
// InvalidInput when an offset is inconsistent or an operand does not fit its
// encoding (e.g. a short branch whose displacement exceeds int8).
Status encode_instructions(const std::vector<Instruction>& instructions,
                           std::vector<uint8_t>* out);

// Total encoded size of a sequence.
uint64_t code_size_of(const std::vector<Instruction>& instructions);

}  // namespace clrprobe::il
