// A method body as stored in metadata and returned by
// ICorProfilerInfo::GetILFunctionBody (ECMA-335 II.25.4): a tiny or fat
// header, the code, and for fat headers optional extra data sections
// (exception-handling tables), each 4-byte aligned.
//
// Round-trip guarantee: encode_method_body(decode_method_body(b)) == b for
// every body the decoder accepts, because the decoder keeps every byte that
// carries information (header kind and unknown flag bits, the small/fat form
// of each section, the reserved field of small EH sections, padding bytes,
// bytes trailing the last clause of a section). Code that builds or modifies
// a body chooses the formats itself (the rewriter always writes a fat header
// and one fat EH section).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "il/instruction.h"

namespace clrprobe::il {

enum class HeaderKind : uint8_t { Tiny, Fat };

// Header flag bits (II.25.4.4) within the fat header's 12-bit flags field.
inline constexpr uint16_t kHeaderTinyFormat = 0x2;
inline constexpr uint16_t kHeaderFatFormat = 0x3;
inline constexpr uint16_t kHeaderMoreSects = 0x8;
inline constexpr uint16_t kHeaderInitLocals = 0x10;
inline constexpr uint32_t kFatHeaderSize = 12;
inline constexpr uint16_t kTinyMaxStack = 8;  // implied by a tiny header
inline constexpr uint32_t kTinyMaxCodeSize = 63;

// Section kind bits (II.25.4.5).
inline constexpr uint8_t kSectEHTable = 0x01;
inline constexpr uint8_t kSectOptILTable = 0x02;
inline constexpr uint8_t kSectFatFormat = 0x40;
inline constexpr uint8_t kSectMoreSects = 0x80;

enum class EhClauseKind : uint32_t { Catch = 0, Filter = 1, Finally = 2, Fault = 4 };

struct EhClause {
  uint32_t flags = 0;  // raw COR_ILEXCEPTION_CLAUSE_* value; see kind()
  uint32_t try_offset = 0;
  uint32_t try_length = 0;
  uint32_t handler_offset = 0;
  uint32_t handler_length = 0;
  // Catch: the class token; Filter: the filter's code offset; else unused.
  uint32_t class_token_or_filter_offset = 0;

  EhClauseKind kind() const { return static_cast<EhClauseKind>(flags & 0x7); }
  uint64_t try_end() const { return uint64_t{try_offset} + try_length; }
  uint64_t handler_end() const { return uint64_t{handler_offset} + handler_length; }
  bool operator==(const EhClause&) const = default;
};

// One extra data section following the code.
struct DataSection {
  uint8_t kind = kSectEHTable;  // kind byte without kSectMoreSects
  // Bytes between the previous structure (code or section) and this section;
  // 0..3 of them, normally zeros. Re-emitted only if they still align.
  std::vector<uint8_t> padding_before;
  std::vector<EhClause> clauses;     // when is_eh()
  uint16_t small_reserved = 0;       // small EH sections: the reserved u16
  // Non-EH sections: their data; EH sections: bytes after the last whole
  // clause that the declared DataSize still covers (normally none).
  std::vector<uint8_t> extra;

  bool is_eh() const { return (kind & kSectEHTable) != 0; }
  bool is_fat() const { return (kind & kSectFatFormat) != 0; }
};

struct MethodBody {
  HeaderKind header_kind = HeaderKind::Fat;
  // Fat header flag bits other than format, MoreSects and InitLocals, kept so
  // that unknown bits survive a round trip.
  uint16_t other_flags = 0;
  bool init_locals = false;
  uint16_t max_stack = kTinyMaxStack;
  uint32_t local_var_sig_token = 0;  // 0: no locals
  uint32_t code_size = 0;
  std::vector<Instruction> instructions;
  std::vector<DataSection> sections;

  // Bytes consumed by decode_method_body (the span may be longer).
  size_t encoded_size = 0;

  // All EH clauses, in section order then clause order.
  std::vector<EhClause> eh_clauses() const;
};

// Decodes header, code and sections. Never reads outside `bytes`; fails with
// Truncated / InvalidInput / UnsupportedOpcode.
Result<MethodBody> decode_method_body(std::span<const uint8_t> bytes);

// Encodes `body`. The code is encoded from `instructions` (their offsets must
// be laid out, see encode_instructions) and code_size must match. Fails with
// InvalidInput when the body cannot be represented in the chosen formats
// (e.g. a tiny header with locals, a small EH section with a 32-bit offset).
Result<std::vector<uint8_t>> encode_method_body(const MethodBody& body);

// True if `c` can be stored in a small EH clause (16-bit offsets, 8-bit lengths).
bool fits_small_clause(const EhClause& c);

}  // namespace clrprobe::il
