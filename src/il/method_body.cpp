#include "il/method_body.h"

#include <string>

#include "il/byte_io.h"
#include "il/hex.h"

namespace clrprobe::il {
namespace {

constexpr uint32_t kSmallClauseSize = 12;
constexpr uint32_t kFatClauseSize = 24;
constexpr uint32_t kFatHeaderSizeInDwords = 3;

Error truncated(const std::string& what) {
  return make_error(Reason::Truncated, "method body ends inside " + what);
}

size_t padding_to_4(size_t pos) { return (4 - pos % 4) % 4; }

bool read_small_clause(ByteReader& r, EhClause* c) {
  uint16_t flags = 0, try_off = 0, handler_off = 0;
  uint8_t try_len = 0, handler_len = 0;
  uint32_t token = 0;
  if (!r.read_u16(&flags) || !r.read_u16(&try_off) || !r.read_u8(&try_len) ||
      !r.read_u16(&handler_off) || !r.read_u8(&handler_len) || !r.read_u32(&token)) {
    return false;
  }
  *c = EhClause{flags, try_off, try_len, handler_off, handler_len, token};
  return true;
}

bool read_fat_clause(ByteReader& r, EhClause* c) {
  return r.read_u32(&c->flags) && r.read_u32(&c->try_offset) && r.read_u32(&c->try_length) &&
         r.read_u32(&c->handler_offset) && r.read_u32(&c->handler_length) &&
         r.read_u32(&c->class_token_or_filter_offset);
}

// Reads one section starting at its kind byte; *more receives MoreSects.
Result<DataSection> read_section(ByteReader& r, bool* more) {
  DataSection s;
  uint8_t kind = 0;
  if (!r.read_u8(&kind)) return truncated("a section header");
  *more = (kind & kSectMoreSects) != 0;
  s.kind = static_cast<uint8_t>(kind & ~kSectMoreSects);

  uint32_t data_size = 0;
  uint32_t header_size = 0;
  if (s.is_fat()) {
    uint8_t b[3];
    if (!r.read_u8(&b[0]) || !r.read_u8(&b[1]) || !r.read_u8(&b[2])) {
      return truncated("a section header");
    }
    data_size = b[0] | (uint32_t{b[1]} << 8) | (uint32_t{b[2]} << 16);
    header_size = 4;
  } else {
    uint8_t size = 0;
    if (!r.read_u8(&size)) return truncated("a section header");
    data_size = size;
    header_size = 2;
    if (s.is_eh()) {
      if (!r.read_u16(&s.small_reserved)) return truncated("a section header");
      header_size = 4;
    }
  }
  if (data_size < header_size) {
    return make_error(Reason::InvalidInput,
                      "section DataSize " + std::to_string(data_size) + " is below its header size");
  }
  std::span<const uint8_t> payload;
  if (!r.read_bytes(data_size - header_size, &payload)) return truncated("a section");

  if (!s.is_eh()) {
    s.extra.assign(payload.begin(), payload.end());
    return s;
  }
  const uint32_t clause_size = s.is_fat() ? kFatClauseSize : kSmallClauseSize;
  const size_t count = payload.size() / clause_size;
  ByteReader pr(payload);
  s.clauses.resize(count);
  for (size_t i = 0; i < count; ++i) {
    // Cannot fail: count was derived from the payload size.
    if (s.is_fat()) {
      read_fat_clause(pr, &s.clauses[i]);
    } else {
      read_small_clause(pr, &s.clauses[i]);
    }
  }
  std::span<const uint8_t> rest = payload.subspan(count * clause_size);
  s.extra.assign(rest.begin(), rest.end());
  return s;
}

Status write_section(ByteWriter& w, const DataSection& s, bool more) {
  const uint8_t kind = static_cast<uint8_t>(s.kind | (more ? kSectMoreSects : 0));
  if (!s.is_eh()) {
    const uint64_t size = (s.is_fat() ? 4 : 2) + uint64_t{s.extra.size()};
    if (size > (s.is_fat() ? 0xFFFFFFu : 0xFFu)) {
      return make_error(Reason::InvalidInput, "data section too large for its format");
    }
    w.u8(kind);
    w.u8(static_cast<uint8_t>(size));
    if (s.is_fat()) {
      w.u8(static_cast<uint8_t>(size >> 8));
      w.u8(static_cast<uint8_t>(size >> 16));
    }
    w.bytes(s.extra);
    return {};
  }
  const uint64_t clause_size = s.is_fat() ? kFatClauseSize : kSmallClauseSize;
  const uint64_t size = 4 + clause_size * s.clauses.size() + s.extra.size();
  if (s.is_fat()) {
    if (size > 0xFFFFFF) return make_error(Reason::MethodTooLarge, "too many EH clauses");
    w.u8(kind);
    w.u8(static_cast<uint8_t>(size));
    w.u8(static_cast<uint8_t>(size >> 8));
    w.u8(static_cast<uint8_t>(size >> 16));
    for (const EhClause& c : s.clauses) {
      w.u32(c.flags);
      w.u32(c.try_offset);
      w.u32(c.try_length);
      w.u32(c.handler_offset);
      w.u32(c.handler_length);
      w.u32(c.class_token_or_filter_offset);
    }
  } else {
    if (size > 0xFF) {
      return make_error(Reason::InvalidInput, "too many EH clauses for a small section");
    }
    w.u8(kind);
    w.u8(static_cast<uint8_t>(size));
    w.u16(s.small_reserved);
    for (const EhClause& c : s.clauses) {
      if (!fits_small_clause(c)) {
        return make_error(Reason::InvalidInput, "EH clause does not fit a small section");
      }
      w.u16(static_cast<uint16_t>(c.flags));
      w.u16(static_cast<uint16_t>(c.try_offset));
      w.u8(static_cast<uint8_t>(c.try_length));
      w.u16(static_cast<uint16_t>(c.handler_offset));
      w.u8(static_cast<uint8_t>(c.handler_length));
      w.u32(c.class_token_or_filter_offset);
    }
  }
  w.bytes(s.extra);
  return {};
}

}  // namespace

bool fits_small_clause(const EhClause& c) {
  return c.flags <= 0xFFFF && c.try_offset <= 0xFFFF && c.try_length <= 0xFF &&
         c.handler_offset <= 0xFFFF && c.handler_length <= 0xFF;
}

std::vector<EhClause> MethodBody::eh_clauses() const {
  std::vector<EhClause> all;
  for (const DataSection& s : sections) {
    if (s.is_eh()) all.insert(all.end(), s.clauses.begin(), s.clauses.end());
  }
  return all;
}

Result<MethodBody> decode_method_body(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  MethodBody body;
  uint8_t first = 0;
  if (!r.peek_u8(&first)) return truncated("the header");
  bool more_sects = false;
  if ((first & 0x3) == kHeaderTinyFormat) {
    r.skip(1);
    body.header_kind = HeaderKind::Tiny;
    body.code_size = first >> 2;
    body.max_stack = kTinyMaxStack;
  } else if ((first & 0x7) == kHeaderFatFormat) {
    uint16_t flags_and_size = 0;
    if (!r.read_u16(&flags_and_size) || !r.read_u16(&body.max_stack) ||
        !r.read_u32(&body.code_size) || !r.read_u32(&body.local_var_sig_token)) {
      return truncated("the fat header");
    }
    const uint16_t flags = flags_and_size & 0x0FFF;
    if ((flags_and_size >> 12) != kFatHeaderSizeInDwords) {
      return make_error(Reason::InvalidInput, "fat header size field is not 3 dwords");
    }
    body.header_kind = HeaderKind::Fat;
    body.init_locals = (flags & kHeaderInitLocals) != 0;
    more_sects = (flags & kHeaderMoreSects) != 0;
    body.other_flags = flags & ~(0x7 | kHeaderMoreSects | kHeaderInitLocals);
  } else {
    return make_error(Reason::InvalidInput, "unknown method header format " + hex(first));
  }

  std::span<const uint8_t> code;
  if (!r.read_bytes(body.code_size, &code)) return truncated("the code");
  auto instructions = decode_instructions(code);
  if (!instructions) return instructions.error();
  body.instructions = std::move(instructions.value());

  while (more_sects) {
    std::span<const uint8_t> pad;
    if (!r.read_bytes(padding_to_4(r.position()), &pad)) return truncated("section padding");
    auto section = read_section(r, &more_sects);
    if (!section) return section.error();
    section->padding_before.assign(pad.begin(), pad.end());
    body.sections.push_back(std::move(section.value()));
  }
  body.encoded_size = r.position();
  return body;
}

Result<std::vector<uint8_t>> encode_method_body(const MethodBody& body) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  if (body.header_kind == HeaderKind::Tiny) {
    if (body.code_size > kTinyMaxCodeSize || !body.sections.empty() ||
        body.local_var_sig_token != 0 || body.init_locals || body.max_stack != kTinyMaxStack ||
        body.other_flags != 0) {
      return make_error(Reason::InvalidInput, "body cannot be encoded with a tiny header");
    }
    w.u8(static_cast<uint8_t>((body.code_size << 2) | kHeaderTinyFormat));
  } else {
    uint16_t flags = static_cast<uint16_t>(kHeaderFatFormat | (body.other_flags & 0x0FE0));
    if (body.init_locals) flags |= kHeaderInitLocals;
    if (!body.sections.empty()) flags |= kHeaderMoreSects;
    w.u16(static_cast<uint16_t>(flags | (kFatHeaderSizeInDwords << 12)));
    w.u16(body.max_stack);
    w.u32(body.code_size);
    w.u32(body.local_var_sig_token);
  }
  const size_t code_start = w.position();
  if (Status s = encode_instructions(body.instructions, &out); !s) return s.error();
  if (w.position() - code_start != body.code_size) {
    return make_error(Reason::InvalidInput,
                      "code_size " + std::to_string(body.code_size) + " does not match the " +
                          std::to_string(w.position() - code_start) + " encoded bytes");
  }
  for (size_t i = 0; i < body.sections.size(); ++i) {
    const DataSection& s = body.sections[i];
    const size_t pad = padding_to_4(w.position());
    if (s.padding_before.size() == pad) {
      w.bytes(s.padding_before);
    } else {
      w.zeros(pad);
    }
    if (Status st = write_section(w, s, i + 1 < body.sections.size()); !st) return st.error();
  }
  return out;
}

}  // namespace clrprobe::il
