#include "il/signature.h"

#include <string>

#include "il/hex.h"

namespace clrprobe::il {
namespace {

// Deeper nesting than this is not produced by any compiler; refusing it keeps
// recursion bounded on hostile input.
constexpr int kMaxTypeDepth = 64;
// CoreCLR refuses to load arrays of more than 32 dimensions (MAX_RANK). A
// larger rank can only come from a malformed blob, and format_type would
// spell it with rank-1 commas: up to 512 MiB per array (found by
// fuzz/signature_fuzz).
constexpr uint32_t kMaxArrayRank = 32;

Error sig_truncated() { return make_error(Reason::Truncated, "signature blob ends early"); }
Error sig_invalid(const std::string& why) {
  return make_error(Reason::InvalidInput, "bad signature: " + why);
}

struct Compressed {
  uint32_t value;
  int width;  // 1, 2 or 4 bytes
};

Result<Compressed> decode_compressed(std::span<const uint8_t> data, size_t* pos) {
  if (*pos >= data.size()) return sig_truncated();
  const uint8_t b0 = data[*pos];
  if ((b0 & 0x80) == 0) {
    *pos += 1;
    return Compressed{b0, 1};
  }
  if ((b0 & 0xC0) == 0x80) {
    if (data.size() - *pos < 2) return sig_truncated();
    const uint32_t v = (uint32_t{b0 & 0x3Fu} << 8) | data[*pos + 1];
    *pos += 2;
    return Compressed{v, 2};
  }
  if ((b0 & 0xE0) == 0xC0) {
    if (data.size() - *pos < 4) return sig_truncated();
    const uint32_t v = (uint32_t{b0 & 0x1Fu} << 24) | (uint32_t{data[*pos + 1]} << 16) |
                       (uint32_t{data[*pos + 2]} << 8) | data[*pos + 3];
    *pos += 4;
    return Compressed{v, 4};
  }
  return sig_invalid("invalid compressed integer lead byte " + hex(b0));
}

bool peek(std::span<const uint8_t> data, size_t pos, uint8_t* out) {
  if (pos >= data.size()) return false;
  *out = data[pos];
  return true;
}

// A count of items that each take at least one byte cannot exceed the bytes
// left; checking this first bounds every reserve/resize by the input size.
bool plausible_count(std::span<const uint8_t> data, size_t pos, uint32_t count) {
  return count <= data.size() - pos;
}

Result<TypeSig> parse_type_at(std::span<const uint8_t> data, size_t* pos, int depth);
Result<MethodSig> parse_method_sig_at(std::span<const uint8_t> data, size_t* pos, int depth);

// Reads a run of modreq/modopt into *mods.
Status parse_mods(std::span<const uint8_t> data, size_t* pos, std::vector<CustomMod>* mods) {
  uint8_t b = 0;
  while (peek(data, *pos, &b) &&
         (b == static_cast<uint8_t>(ElementType::CModReqd) ||
          b == static_cast<uint8_t>(ElementType::CModOpt))) {
    *pos += 1;
    auto token = decode_type_def_or_ref(data, pos);
    if (!token) return token.error();
    mods->push_back(CustomMod{b == static_cast<uint8_t>(ElementType::CModReqd), *token});
  }
  return {};
}

Status parse_array_shape(std::span<const uint8_t> data, size_t* pos, ArrayShape* shape) {
  auto rank = decode_compressed_uint(data, pos);
  if (!rank) return rank.error();
  shape->rank = *rank;
  if (shape->rank == 0) return sig_invalid("array rank 0");
  if (shape->rank > kMaxArrayRank) {
    return sig_invalid("array rank " + std::to_string(shape->rank) + " (the runtime allows at most " +
                       std::to_string(kMaxArrayRank) + ")");
  }
  auto num_sizes = decode_compressed_uint(data, pos);
  if (!num_sizes) return num_sizes.error();
  if (!plausible_count(data, *pos, *num_sizes)) return sig_truncated();
  for (uint32_t i = 0; i < *num_sizes; ++i) {
    auto size = decode_compressed_uint(data, pos);
    if (!size) return size.error();
    shape->sizes.push_back(*size);
  }
  auto num_bounds = decode_compressed_uint(data, pos);
  if (!num_bounds) return num_bounds.error();
  if (!plausible_count(data, *pos, *num_bounds)) return sig_truncated();
  for (uint32_t i = 0; i < *num_bounds; ++i) {
    auto bound = decode_compressed_int(data, pos);
    if (!bound) return bound.error();
    shape->lower_bounds.push_back(*bound);
  }
  return {};
}

Result<TypeSig> parse_type_at(std::span<const uint8_t> data, size_t* pos, int depth) {
  if (depth > kMaxTypeDepth) return sig_invalid("types nested too deeply");
  const size_t start = *pos;
  TypeSig t;
  if (Status s = parse_mods(data, pos, &t.mods); !s) return s.error();
  if (*pos >= data.size()) return sig_truncated();
  const uint8_t b = data[(*pos)++];
  t.kind = static_cast<ElementType>(b);
  switch (t.kind) {
    case ElementType::Void:
    case ElementType::Boolean:
    case ElementType::Char:
    case ElementType::I1:
    case ElementType::U1:
    case ElementType::I2:
    case ElementType::U2:
    case ElementType::I4:
    case ElementType::U4:
    case ElementType::I8:
    case ElementType::U8:
    case ElementType::R4:
    case ElementType::R8:
    case ElementType::String:
    case ElementType::TypedByRef:
    case ElementType::I:
    case ElementType::U:
    case ElementType::Object:
      break;
    case ElementType::Ptr:
    case ElementType::ByRef:
    case ElementType::SzArray:
    case ElementType::Array: {
      auto element = parse_type_at(data, pos, depth + 1);
      if (!element) return element.error();
      t.args.push_back(std::move(element.value()));
      if (t.kind == ElementType::Array) {
        if (Status s = parse_array_shape(data, pos, &t.shape); !s) return s.error();
      }
      break;
    }
    case ElementType::ValueType:
    case ElementType::Class: {
      auto token = decode_type_def_or_ref(data, pos);
      if (!token) return token.error();
      t.token = *token;
      break;
    }
    case ElementType::Var:
    case ElementType::MVar: {
      auto index = decode_compressed_uint(data, pos);
      if (!index) return index.error();
      t.index = *index;
      break;
    }
    case ElementType::GenericInst: {
      uint8_t base = 0;
      if (!peek(data, *pos, &base)) return sig_truncated();
      if (base != static_cast<uint8_t>(ElementType::Class) &&
          base != static_cast<uint8_t>(ElementType::ValueType)) {
        return sig_invalid("GENERICINST not followed by CLASS or VALUETYPE");
      }
      *pos += 1;
      t.generic_is_value_type = base == static_cast<uint8_t>(ElementType::ValueType);
      auto token = decode_type_def_or_ref(data, pos);
      if (!token) return token.error();
      t.token = *token;
      auto count = decode_compressed_uint(data, pos);
      if (!count) return count.error();
      if (*count == 0) return sig_invalid("GENERICINST with no arguments");
      if (!plausible_count(data, *pos, *count)) return sig_truncated();
      for (uint32_t i = 0; i < *count; ++i) {
        auto arg = parse_type_at(data, pos, depth + 1);
        if (!arg) return arg.error();
        t.args.push_back(std::move(arg.value()));
      }
      break;
    }
    case ElementType::FnPtr: {
      auto sig = parse_method_sig_at(data, pos, depth + 1);
      if (!sig) return sig.error();
      t.fn_ptr = std::make_shared<MethodSig>(std::move(sig.value()));
      break;
    }
    default:
      // Includes ELEMENT_TYPE_INTERNAL, which only runtime-built signatures
      // contain (it is followed by a raw pointer).
      return sig_invalid("unexpected element type " + hex(b));
  }
  t.raw = data.subspan(start, *pos - start);
  return t;
}

Result<MethodSig> parse_method_sig_at(std::span<const uint8_t> data, size_t* pos, int depth) {
  if (depth > kMaxTypeDepth) return sig_invalid("types nested too deeply");
  MethodSig sig;
  if (*pos >= data.size()) return sig_truncated();
  sig.calling_convention = data[(*pos)++];
  const uint8_t kind = sig.kind();
  if (kind > kCallConvVarArg && kind != kCallConvUnmanaged) {
    return sig_invalid("not a method signature (calling convention " +
                       hex(sig.calling_convention) + ")");
  }
  if (sig.is_generic()) {
    auto arity = decode_compressed_uint(data, pos);
    if (!arity) return arity.error();
    sig.generic_param_count = *arity;
  }
  auto count = decode_compressed_uint(data, pos);
  if (!count) return count.error();
  if (!plausible_count(data, *pos, *count)) return sig_truncated();
  auto ret = parse_type_at(data, pos, depth + 1);
  if (!ret) return ret.error();
  sig.ret = std::move(ret.value());
  sig.params.reserve(*count);
  for (uint32_t i = 0; i < *count; ++i) {
    uint8_t b = 0;
    if (peek(data, *pos, &b) && b == static_cast<uint8_t>(ElementType::Sentinel)) {
      if (sig.sentinel_index) return sig_invalid("two vararg sentinels");
      sig.sentinel_index = i;
      *pos += 1;
    }
    auto param = parse_type_at(data, pos, depth + 1);
    if (!param) return param.error();
    if (param->is_void()) return sig_invalid("void parameter");
    sig.params.push_back(std::move(param.value()));
  }
  return sig;
}

}  // namespace

Result<uint32_t> decode_compressed_uint(std::span<const uint8_t> data, size_t* pos) {
  auto c = decode_compressed(data, pos);
  if (!c) return c.error();
  return c->value;
}

Result<int32_t> decode_compressed_int(std::span<const uint8_t> data, size_t* pos) {
  auto c = decode_compressed(data, pos);
  if (!c) return c.error();
  // The sign bit was rotated into bit 0; the value occupies width*8-3..-1 bits.
  const int32_t magnitude = static_cast<int32_t>(c->value >> 1);
  if ((c->value & 1) == 0) return magnitude;
  const int32_t bias = c->width == 1 ? 0x40 : (c->width == 2 ? 0x2000 : 0x10000000);
  return magnitude - bias;
}

namespace {

// Writes `value` in exactly `width` bytes (1, 2 or 4) of the compressed form.
// Signed values need this: their rotated form can be small yet must keep the
// width that tells the decoder where the sign bit sits.
void put_compressed(uint32_t value, int width, std::vector<uint8_t>* out) {
  if (width == 1) {
    out->push_back(static_cast<uint8_t>(value));
  } else if (width == 2) {
    out->push_back(static_cast<uint8_t>(0x80 | (value >> 8)));
    out->push_back(static_cast<uint8_t>(value));
  } else {
    out->push_back(static_cast<uint8_t>(0xC0 | (value >> 24)));
    out->push_back(static_cast<uint8_t>(value >> 16));
    out->push_back(static_cast<uint8_t>(value >> 8));
    out->push_back(static_cast<uint8_t>(value));
  }
}

}  // namespace

Status encode_compressed_uint(uint32_t value, std::vector<uint8_t>* out) {
  if (value > 0x1FFFFFFF) {
    return make_error(Reason::InvalidInput, "value too large for a compressed integer");
  }
  put_compressed(value, value <= 0x7F ? 1 : (value <= 0x3FFF ? 2 : 4), out);
  return {};
}

Status encode_compressed_int(int32_t value, std::vector<uint8_t>* out) {
  const uint32_t sign = value < 0 ? 1u : 0u;
  const auto rotated = [&](uint32_t mask) {
    return ((static_cast<uint32_t>(value) << 1) & mask) | sign;
  };
  if (value >= -0x40 && value <= 0x3F) {
    put_compressed(rotated(0x7F), 1, out);
  } else if (value >= -0x2000 && value <= 0x1FFF) {
    put_compressed(rotated(0x3FFF), 2, out);
  } else if (value >= -0x10000000 && value <= 0x0FFFFFFF) {
    put_compressed(rotated(0x1FFFFFFF), 4, out);
  } else {
    return make_error(Reason::InvalidInput, "value out of range for a compressed integer");
  }
  return {};
}

Result<uint32_t> decode_type_def_or_ref(std::span<const uint8_t> data, size_t* pos) {
  auto coded = decode_compressed_uint(data, pos);
  if (!coded) return coded.error();
  static constexpr uint32_t kTables[] = {0x02000000, 0x01000000, 0x1B000000};
  const uint32_t tag = *coded & 3;
  const uint32_t rid = *coded >> 2;
  if (tag == 3) return sig_invalid("TypeDefOrRef tag 3");
  if (rid > 0xFFFFFF) return sig_invalid("TypeDefOrRef row out of range");
  return kTables[tag] | rid;
}

Status encode_type_def_or_ref(uint32_t token, std::vector<uint8_t>* out) {
  uint32_t tag = 0;
  switch (token >> 24) {
    case 0x02: tag = 0; break;
    case 0x01: tag = 1; break;
    case 0x1B: tag = 2; break;
    default: return make_error(Reason::InvalidInput, "not a TypeDef/TypeRef/TypeSpec token");
  }
  const uint32_t rid = token & 0xFFFFFF;
  if (rid > 0x07FFFFFF) return make_error(Reason::InvalidInput, "row too large");
  return encode_compressed_uint((rid << 2) | tag, out);
}

Result<TypeSig> parse_type(std::span<const uint8_t> data, size_t* pos) {
  return parse_type_at(data, pos, 0);
}

Result<MethodSig> parse_method_sig(std::span<const uint8_t> blob) {
  size_t pos = 0;
  auto sig = parse_method_sig_at(blob, &pos, 0);
  if (!sig) return sig.error();
  if (pos != blob.size()) return sig_invalid("trailing bytes after method signature");
  return sig;
}

Result<LocalsSig> parse_locals_sig(std::span<const uint8_t> blob) {
  size_t pos = 0;
  if (blob.empty()) return sig_truncated();
  if (blob[pos++] != kCallConvLocalSig) return sig_invalid("not a LOCAL_SIG");
  auto count = decode_compressed_uint(blob, &pos);
  if (!count) return count.error();
  if (!plausible_count(blob, pos, *count)) return sig_truncated();
  LocalsSig sig;
  const size_t locals_start = pos;
  sig.locals.reserve(*count);
  for (uint32_t i = 0; i < *count; ++i) {
    const size_t start = pos;
    // Modifiers and the pinned constraint may interleave before the type.
    std::vector<CustomMod> mods;
    bool pinned = false;
    for (;;) {
      if (Status s = parse_mods(blob, &pos, &mods); !s) return s.error();
      uint8_t b = 0;
      if (peek(blob, pos, &b) && b == static_cast<uint8_t>(ElementType::Pinned)) {
        pinned = true;
        pos += 1;
        continue;
      }
      break;
    }
    auto type = parse_type_at(blob, &pos, 0);
    if (!type) return type.error();
    if (type->is_void()) return sig_invalid("void local");
    type->mods.insert(type->mods.begin(), mods.begin(), mods.end());
    type->pinned = pinned;
    type->raw = blob.subspan(start, pos - start);
    sig.locals.push_back(std::move(type.value()));
  }
  if (pos != blob.size()) return sig_invalid("trailing bytes after local signature");
  sig.locals_raw = blob.subspan(locals_start);
  return sig;
}

}  // namespace clrprobe::il
