// IL method body format (ECMA-335 II.25.4): header flags, extra data
// sections and exception-handling clauses, with the runtime's names.
#pragma once

#include <cstddef>
#include <cstdint>

namespace clrprobe::abi {

// Low bits of the first header byte (tiny) or of the 12-bit flags (fat).
enum CorILMethodFlags : std::uint32_t {
  CorILMethod_InitLocals = 0x0010,
  CorILMethod_MoreSects = 0x0008,
  CorILMethod_CompressedIL = 0x0040,  // not used
  CorILMethod_FormatShift = 3,
  CorILMethod_FormatMask = (1 << CorILMethod_FormatShift) - 1,
  CorILMethod_TinyFormat = 0x0002,
  CorILMethod_SmallFormat = 0x0000,
  CorILMethod_FatFormat = 0x0003,
  CorILMethod_TinyFormat1 = 0x0006,
};

// First byte (Kind) of an extra data section after the code.
enum CorILMethodSect : std::uint32_t {
  CorILMethod_Sect_Reserved = 0,
  CorILMethod_Sect_EHTable = 1,
  CorILMethod_Sect_OptILTable = 2,
  CorILMethod_Sect_KindMask = 0x3F,
  CorILMethod_Sect_FatFormat = 0x40,
  CorILMethod_Sect_MoreSects = 0x80,
};

// Flags of an EH clause; a typed catch has none of the bits set.
enum CorExceptionFlag : std::uint32_t {
  COR_ILEXCEPTION_CLAUSE_NONE = 0x0000,
  COR_ILEXCEPTION_CLAUSE_OFFSETLEN = 0x0000,   // deprecated
  COR_ILEXCEPTION_CLAUSE_DEPRECATED = 0x0000,  // deprecated
  COR_ILEXCEPTION_CLAUSE_FILTER = 0x0001,
  COR_ILEXCEPTION_CLAUSE_FINALLY = 0x0002,
  COR_ILEXCEPTION_CLAUSE_FAULT = 0x0004,
  COR_ILEXCEPTION_CLAUSE_DUPLICATED = 0x0008,
};

// Fat EH clause as stored in the image (all fields little-endian uint32).
struct IMAGE_COR_ILMETHOD_SECT_EH_CLAUSE_FAT {
  std::uint32_t Flags;  // CorExceptionFlag
  std::uint32_t TryOffset;
  std::uint32_t TryLength;
  std::uint32_t HandlerOffset;
  std::uint32_t HandlerLength;
  union {
    std::uint32_t ClassToken;    // typed catch
    std::uint32_t FilterOffset;  // COR_ILEXCEPTION_CLAUSE_FILTER
  };
};
static_assert(sizeof(IMAGE_COR_ILMETHOD_SECT_EH_CLAUSE_FAT) == 24);

// Encoded sizes (bytes) and limits from ECMA-335 II.25.4; the small
// header/clause forms use bit fields, so they are described by size only.
inline constexpr std::size_t kTinyHeaderSize = 1;
inline constexpr std::size_t kFatHeaderSize = 12;  // Size field == 3 dwords
inline constexpr std::uint32_t kFatHeaderSizeInDwords = 3;
inline constexpr std::uint32_t kTinyMaxCodeSize = 63;  // 6 bits of code size
inline constexpr std::uint32_t kTinyMaxStack = 8;      // implied max stack
inline constexpr std::size_t kSmallSectHeaderSize = 4;  // Kind, DataSize(1), Reserved(2)
inline constexpr std::size_t kFatSectHeaderSize = 4;    // Kind, DataSize(3)
inline constexpr std::size_t kSmallEhClauseSize = 12;
inline constexpr std::size_t kFatEhClauseSize = 24;

}  // namespace clrprobe::abi
