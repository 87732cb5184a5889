// A tiny assembler for hand-built test bodies: opcodes, operands, labels for
// branches and switch tables, plus builders for headers and EH sections.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "il/method_body.h"
#include "il/opcodes.h"

namespace clrprobe::il::test {

class Asm {
 public:
  Asm& op(Opcode o) {
    const auto v = static_cast<uint16_t>(o);
    if (v >= 0xFE00) {
      bytes_.push_back(0xFE);
      bytes_.push_back(static_cast<uint8_t>(v));
    } else {
      bytes_.push_back(static_cast<uint8_t>(v));
    }
    return *this;
  }
  Asm& u8(uint8_t v) { bytes_.push_back(v); return *this; }
  Asm& u16(uint16_t v) { return le(v, 2); }
  Asm& u32(uint32_t v) { return le(v, 4); }
  Asm& u64(uint64_t v) { return le(v, 8); }
  Asm& op8(Opcode o, uint8_t v) { return op(o).u8(v); }
  Asm& op16(Opcode o, uint16_t v) { return op(o).u16(v); }
  Asm& op32(Opcode o, uint32_t v) { return op(o).u32(v); }
  Asm& op64(Opcode o, uint64_t v) { return op(o).u64(v); }
  Asm& nops(int n) { for (int i = 0; i < n; ++i) op(Opcode::Nop); return *this; }

  Asm& label(const std::string& name) { labels_[name] = bytes_.size(); return *this; }
  size_t offset() const { return bytes_.size(); }
  size_t at(const std::string& name) const { return labels_.at(name); }

  // Branch to a label (short or long form chosen by the opcode).
  Asm& br(Opcode o, const std::string& target) {
    op(o);
    const bool short_form = opcode_info(o).operand == OperandKind::ShortBranch;
    fixups_.push_back({bytes_.size(), bytes_.size() + (short_form ? 1 : 4), short_form, target});
    if (short_form) u8(0); else u32(0);
    return *this;
  }
  Asm& sw(const std::vector<std::string>& targets) {
    op(Opcode::Switch).u32(static_cast<uint32_t>(targets.size()));
    const size_t base = bytes_.size() + 4 * targets.size();
    for (const auto& t : targets) {
      fixups_.push_back({bytes_.size(), base, false, t});
      u32(0);
    }
    return *this;
  }

  std::vector<uint8_t> code() const {
    std::vector<uint8_t> out = bytes_;
    for (const Fixup& f : fixups_) {
      const int64_t disp = static_cast<int64_t>(labels_.at(f.target)) - static_cast<int64_t>(f.base);
      if (f.short_form) {
        out[f.at] = static_cast<uint8_t>(static_cast<int8_t>(disp));
      } else {
        for (int i = 0; i < 4; ++i) out[f.at + i] = static_cast<uint8_t>(static_cast<uint32_t>(disp) >> (8 * i));
      }
    }
    return out;
  }

 private:
  struct Fixup {
    size_t at;
    size_t base;
    bool short_form;
    std::string target;
  };
  Asm& le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  std::vector<uint8_t> bytes_;
  std::map<std::string, size_t> labels_;
  std::vector<Fixup> fixups_;
};

inline std::vector<uint8_t> tiny_body(const std::vector<uint8_t>& code) {
  std::vector<uint8_t> out{static_cast<uint8_t>((code.size() << 2) | 0x2)};
  out.insert(out.end(), code.begin(), code.end());
  return out;
}

struct Clause {
  uint32_t flags, try_offset, try_length, handler_offset, handler_length, token_or_filter;
};

inline void pad4(std::vector<uint8_t>& out) {
  while (out.size() % 4) out.push_back(0);
}

inline void put(std::vector<uint8_t>& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// One EH section (without preceding padding). `more`: set MoreSects.
inline std::vector<uint8_t> eh_section(const std::vector<Clause>& clauses, bool fat, bool more = false) {
  std::vector<uint8_t> out;
  const uint8_t kind = static_cast<uint8_t>(0x01 | (fat ? 0x40 : 0) | (more ? 0x80 : 0));
  out.push_back(kind);
  if (fat) {
    put(out, 4 + 24 * clauses.size(), 3);
    for (const Clause& c : clauses) {
      put(out, c.flags, 4); put(out, c.try_offset, 4); put(out, c.try_length, 4);
      put(out, c.handler_offset, 4); put(out, c.handler_length, 4); put(out, c.token_or_filter, 4);
    }
  } else {
    put(out, 4 + 12 * clauses.size(), 1);
    put(out, 0, 2);
    for (const Clause& c : clauses) {
      put(out, c.flags, 2); put(out, c.try_offset, 2); put(out, c.try_length, 1);
      put(out, c.handler_offset, 2); put(out, c.handler_length, 1); put(out, c.token_or_filter, 4);
    }
  }
  return out;
}

// A fat body; each entry of `sections` is appended 4-byte aligned.
inline std::vector<uint8_t> fat_body(const std::vector<uint8_t>& code, uint16_t max_stack,
                                     uint32_t locals_token = 0, bool init_locals = false,
                                     const std::vector<std::vector<uint8_t>>& sections = {}) {
  std::vector<uint8_t> out;
  uint16_t flags = 0x3 | (init_locals ? 0x10 : 0) | (sections.empty() ? 0 : 0x8);
  put(out, flags | (3 << 12), 2);
  put(out, max_stack, 2);
  put(out, code.size(), 4);
  put(out, locals_token, 4);
  out.insert(out.end(), code.begin(), code.end());
  for (const auto& s : sections) {
    pad4(out);
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

}  // namespace clrprobe::il::test
