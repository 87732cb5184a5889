// Signature blobs (ECMA-335 II.23.2): compressed integers, TypeDefOrRef
// coded tokens, method signatures and local variable signatures, parsed into
// a small type tree. Parsing is bounds-checked and depth-limited, so a
// malformed or hostile blob yields an Error, never a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace clrprobe::il {

// ELEMENT_TYPE_* values (II.23.1.16).
enum class ElementType : uint8_t {
  End = 0x00,
  Void = 0x01,
  Boolean = 0x02,
  Char = 0x03,
  I1 = 0x04,
  U1 = 0x05,
  I2 = 0x06,
  U2 = 0x07,
  I4 = 0x08,
  U4 = 0x09,
  I8 = 0x0A,
  U8 = 0x0B,
  R4 = 0x0C,
  R8 = 0x0D,
  String = 0x0E,
  Ptr = 0x0F,
  ByRef = 0x10,
  ValueType = 0x11,
  Class = 0x12,
  Var = 0x13,
  Array = 0x14,
  GenericInst = 0x15,
  TypedByRef = 0x16,
  I = 0x18,
  U = 0x19,
  FnPtr = 0x1B,
  Object = 0x1C,
  SzArray = 0x1D,
  MVar = 0x1E,
  CModReqd = 0x1F,
  CModOpt = 0x20,
  Internal = 0x21,
  Sentinel = 0x41,
  Pinned = 0x45,
};

// Calling convention byte (II.23.2.1 / II.23.2.3).
inline constexpr uint8_t kCallConvMask = 0x0F;
inline constexpr uint8_t kCallConvDefault = 0x00;
inline constexpr uint8_t kCallConvC = 0x01;
inline constexpr uint8_t kCallConvStdCall = 0x02;
inline constexpr uint8_t kCallConvThisCall = 0x03;
inline constexpr uint8_t kCallConvFastCall = 0x04;
inline constexpr uint8_t kCallConvVarArg = 0x05;
inline constexpr uint8_t kCallConvField = 0x06;
inline constexpr uint8_t kCallConvLocalSig = 0x07;
inline constexpr uint8_t kCallConvProperty = 0x08;
inline constexpr uint8_t kCallConvUnmanaged = 0x09;
inline constexpr uint8_t kCallConvGenericInst = 0x0A;
inline constexpr uint8_t kCallConvGeneric = 0x10;
inline constexpr uint8_t kCallConvHasThis = 0x20;
inline constexpr uint8_t kCallConvExplicitThis = 0x40;

// --- compressed integers (II.23.2) -----------------------------------------

// Decodes an unsigned compressed integer at data[*pos], advancing *pos.
Result<uint32_t> decode_compressed_uint(std::span<const uint8_t> data, size_t* pos);
Result<int32_t> decode_compressed_int(std::span<const uint8_t> data, size_t* pos);
// Values above 0x1FFFFFFF (unsigned) or outside [-2^28, 2^28-1] (signed)
// cannot be encoded: InvalidInput.
Status encode_compressed_uint(uint32_t value, std::vector<uint8_t>* out);
Status encode_compressed_int(int32_t value, std::vector<uint8_t>* out);

// TypeDefOrRefOrSpecEncoded (II.23.2.8) <-> metadata token.
Result<uint32_t> decode_type_def_or_ref(std::span<const uint8_t> data, size_t* pos);
Status encode_type_def_or_ref(uint32_t token, std::vector<uint8_t>* out);

// --- type tree --------------------------------------------------------------

struct MethodSig;

struct CustomMod {
  bool required = false;  // modreq (true) or modopt
  uint32_t token = 0;     // TypeDef/TypeRef/TypeSpec token
};

struct ArrayShape {
  uint32_t rank = 0;
  std::vector<uint32_t> sizes;
  std::vector<int32_t> lower_bounds;
};

struct TypeSig {
  ElementType kind = ElementType::Void;
  std::vector<CustomMod> mods;  // modifiers written before this type
  bool pinned = false;          // locals only
  // Class/ValueType: the type token. GenericInst: the generic type's token.
  uint32_t token = 0;
  bool generic_is_value_type = false;  // GenericInst: VALUETYPE vs CLASS base
  uint32_t index = 0;                  // Var/MVar number
  // Ptr/ByRef/SzArray/Array: one element (the pointee/element type).
  // GenericInst: the type arguments.
  std::vector<TypeSig> args;
  ArrayShape shape;                   // Array only
  std::shared_ptr<MethodSig> fn_ptr;  // FnPtr only
  // The exact bytes of this type in the blob, from its first modifier (or
  // pinned constraint) to its end. Points into the parsed blob: valid only
  // while that blob is alive.
  std::span<const uint8_t> raw;

  bool is_void() const { return kind == ElementType::Void; }
};

struct MethodSig {
  uint8_t calling_convention = 0;  // the raw first byte
  uint32_t generic_param_count = 0;
  TypeSig ret;
  std::vector<TypeSig> params;  // includes the vararg part after the sentinel
  std::optional<size_t> sentinel_index;  // params[i >= *sentinel_index] are varargs

  bool has_this() const { return (calling_convention & kCallConvHasThis) != 0; }
  bool explicit_this() const { return (calling_convention & kCallConvExplicitThis) != 0; }
  bool is_generic() const { return (calling_convention & kCallConvGeneric) != 0; }
  uint8_t kind() const { return calling_convention & kCallConvMask; }
};

struct LocalsSig {
  std::vector<TypeSig> locals;
  // Bytes after the count: the locals themselves, as written.
  std::span<const uint8_t> locals_raw;
};

// Parses a MethodDefSig / MethodRefSig / StandAloneMethodSig. The blob must
// be consumed exactly.
Result<MethodSig> parse_method_sig(std::span<const uint8_t> blob);
// Parses a LocalVarSig (LOCAL_SIG, count, locals). The blob must be consumed
// exactly.
Result<LocalsSig> parse_locals_sig(std::span<const uint8_t> blob);
// Parses one Type at data[*pos] (modifiers allowed), advancing *pos.
Result<TypeSig> parse_type(std::span<const uint8_t> data, size_t* pos);

// --- formatting ---------------------------------------------------------------

// Maps a TypeDef/TypeRef/TypeSpec token to a full type name.
using TypeNameResolver = std::function<std::string(uint32_t token)>;

// ilasm-style name: int32, string, native int, T[], T[,], T&, T*, !0, !!0,
// Name<A,B>, typedref, method int32 *(string). Custom modifiers and pinned
// are not shown (selectors match on the plain type). Without a resolver a
// token prints as its hex value.
std::string format_type(const TypeSig& type, const TypeNameResolver& resolver);
// "(int32,string)"; a vararg sentinel prints as "...".
std::string format_method_params(const MethodSig& sig, const TypeNameResolver& resolver);

}  // namespace clrprobe::il
