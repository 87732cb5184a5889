#include "il/instruction.h"

#include <limits>
#include <string>

#include "il/byte_io.h"
#include "il/hex.h"

namespace clrprobe::il {
namespace {

Error truncated_at(uint32_t offset) {
  return make_error(Reason::Truncated,
                    "IL code ends inside the instruction at offset " + std::to_string(offset));
}

template <typename T>
bool fits(int64_t v) {
  return v >= std::numeric_limits<T>::min() && v <= std::numeric_limits<T>::max();
}

}  // namespace

uint32_t Instruction::size() const {
  const OperandKind kind = info().operand;
  uint32_t n = opcode_size(opcode) + operand_size(kind);
  if (kind == OperandKind::Switch) n += 4u * static_cast<uint32_t>(switch_targets.size());
  return n;
}

uint64_t code_size_of(const std::vector<Instruction>& instructions) {
  uint64_t total = 0;
  for (const Instruction& ins : instructions) total += ins.size();
  return total;
}

Result<std::vector<Instruction>> decode_instructions(std::span<const uint8_t> code) {
  std::vector<Instruction> out;
  ByteReader r(code);
  while (!r.at_end()) {
    Instruction ins;
    ins.offset = static_cast<uint32_t>(r.position());
    uint8_t b0 = 0;
    r.read_u8(&b0);
    uint16_t encoded = b0;
    if (b0 == kTwoBytePrefix) {
      uint8_t b1 = 0;
      if (!r.read_u8(&b1)) return truncated_at(ins.offset);
      encoded = static_cast<uint16_t>(0xFE00 | b1);
    }
    const OpcodeInfo* info = find_opcode(encoded);
    if (info == nullptr) {
      return make_error(Reason::UnsupportedOpcode,
                        "reserved opcode " + hex(encoded) + " at offset " +
                            std::to_string(ins.offset));
    }
    ins.opcode = info->opcode;
    bool ok = true;
    switch (info->operand) {
      case OperandKind::None: break;
      case OperandKind::Int8: {
        uint8_t v = 0;
        ok = r.read_u8(&v);
        ins.operand = static_cast<int8_t>(v);
        break;
      }
      case OperandKind::UInt8:
      case OperandKind::ShortVar: {
        uint8_t v = 0;
        ok = r.read_u8(&v);
        ins.operand = v;
        break;
      }
      case OperandKind::Int16Var: {
        uint16_t v = 0;
        ok = r.read_u16(&v);
        ins.operand = v;
        break;
      }
      case OperandKind::Int32: {
        uint32_t v = 0;
        ok = r.read_u32(&v);
        ins.operand = static_cast<int32_t>(v);
        break;
      }
      case OperandKind::Token:
      case OperandKind::Float32: {
        uint32_t v = 0;
        ok = r.read_u32(&v);
        ins.operand = v;
        break;
      }
      case OperandKind::Int64:
      case OperandKind::Float64: {
        uint64_t v = 0;
        ok = r.read_u64(&v);
        ins.operand = static_cast<int64_t>(v);
        break;
      }
      case OperandKind::ShortBranch: {
        uint8_t v = 0;
        ok = r.read_u8(&v);
        ins.target = static_cast<int64_t>(r.position()) + static_cast<int8_t>(v);
        break;
      }
      case OperandKind::Branch: {
        uint32_t v = 0;
        ok = r.read_u32(&v);
        ins.target = static_cast<int64_t>(r.position()) + static_cast<int32_t>(v);
        break;
      }
      case OperandKind::Switch: {
        uint32_t count = 0;
        // Check the whole table is present before reserving memory for it.
        if (!r.read_u32(&count) || !r.has(static_cast<size_t>(count) * 4u)) {
          return truncated_at(ins.offset);
        }
        const int64_t base = static_cast<int64_t>(r.position()) + 4 * static_cast<int64_t>(count);
        ins.switch_targets.reserve(count);
        for (uint32_t i = 0; i < count; ++i) {
          uint32_t v = 0;
          r.read_u32(&v);
          ins.switch_targets.push_back(base + static_cast<int32_t>(v));
        }
        break;
      }
    }
    if (!ok) return truncated_at(ins.offset);
    out.push_back(std::move(ins));
  }
  return out;
}

Status encode_instructions(const std::vector<Instruction>& instructions,
                           std::vector<uint8_t>* out) {
  ByteWriter w(out);
  const size_t base = w.position();
  for (const Instruction& ins : instructions) {
    if (w.position() - base != ins.offset) {
      return make_error(Reason::InvalidInput,
                        "instruction offset " + std::to_string(ins.offset) +
                            " does not match its position " + std::to_string(w.position() - base));
    }
    const auto encoded = static_cast<uint16_t>(ins.opcode);
    if (encoded >= 0xFE00) {
      w.u8(kTwoBytePrefix);
      w.u8(static_cast<uint8_t>(encoded & 0xFF));
    } else {
      w.u8(static_cast<uint8_t>(encoded));
    }
    const int64_t next = static_cast<int64_t>(ins.offset) + ins.size();
    auto bad = [&](const char* what) {
      return make_error(Reason::InvalidInput, std::string(what) + " does not fit " +
                                                  std::string(ins.info().name) + " at offset " +
                                                  std::to_string(ins.offset));
    };
    switch (ins.info().operand) {
      case OperandKind::None: break;
      case OperandKind::Int8:
        if (!fits<int8_t>(ins.operand)) return bad("operand");
        w.u8(static_cast<uint8_t>(ins.operand));
        break;
      case OperandKind::UInt8:
      case OperandKind::ShortVar:
        if (!fits<uint8_t>(ins.operand)) return bad("operand");
        w.u8(static_cast<uint8_t>(ins.operand));
        break;
      case OperandKind::Int16Var:
        if (!fits<uint16_t>(ins.operand)) return bad("operand");
        w.u16(static_cast<uint16_t>(ins.operand));
        break;
      case OperandKind::Int32:
        if (!fits<int32_t>(ins.operand)) return bad("operand");
        w.u32(static_cast<uint32_t>(ins.operand));
        break;
      case OperandKind::Token:
      case OperandKind::Float32:
        if (!fits<uint32_t>(ins.operand)) return bad("operand");
        w.u32(static_cast<uint32_t>(ins.operand));
        break;
      case OperandKind::Int64:
      case OperandKind::Float64:
        w.u64(static_cast<uint64_t>(ins.operand));
        break;
      case OperandKind::ShortBranch: {
        const int64_t disp = ins.target - next;
        if (!fits<int8_t>(disp)) return bad("branch displacement");
        w.u8(static_cast<uint8_t>(disp));
        break;
      }
      case OperandKind::Branch: {
        const int64_t disp = ins.target - next;
        if (!fits<int32_t>(disp)) return bad("branch displacement");
        w.u32(static_cast<uint32_t>(disp));
        break;
      }
      case OperandKind::Switch:
        if (ins.switch_targets.size() > std::numeric_limits<uint32_t>::max()) return bad("count");
        w.u32(static_cast<uint32_t>(ins.switch_targets.size()));
        for (int64_t t : ins.switch_targets) {
          const int64_t disp = t - next;
          if (!fits<int32_t>(disp)) return bad("switch displacement");
          w.u32(static_cast<uint32_t>(disp));
        }
        break;
    }
  }
  return {};
}

}  // namespace clrprobe::il
