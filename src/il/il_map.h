// The map from original to rewritten IL offsets that lets the runtime report
// original offsets - and so the original source lines - for rewritten code
// (ICorProfilerFunctionControl::SetILInstrumentedCodeMap, COR_IL_MAP).
//
// How the runtime reads the map (stack traces, StackFrame.GetILOffset and the
// debugger alike): entries are sorted by both offsets; no interpolation.
//   rewritten -> original: the oldOffset of the last entry whose newOffset is
//     <= the offset (before the first entry: the method's prolog);
//   original -> rewritten: the newOffset of the last entry whose oldOffset is
//     <= the offset (so of equal oldOffsets, the last one wins).
// Bounds the JIT reports that translate to the same original offset as the
// previous one are dropped, so added code folds into its neighbour's offset.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "il/method_body.h"

namespace clrprobe::il {

struct IlMapEntry {
  uint32_t old_offset = 0;  // in the original code
  uint32_t new_offset = 0;  // in the rewritten code
  bool accurate = true;     // false for added code folded onto an original offset
  bool operator==(const IlMapEntry&) const = default;
};

// The map of a rewrite that placed original instruction i at new_starts[i]
// and appended its own code (handler, epilogue) at tail_start:
//   - code added before the first original instruction (the prologue) maps to
//     offset 0, where a stack trace inside it belongs;
//   - each original instruction maps to where it went (a rewritten `ret` to
//     the code replacing it);
//   - the appended code maps to the last original instruction when that is a
//     `ret` (the epilogue finishes that return), else to the end of the
//     original code: an offset past every instruction, so the map stays
//     sorted by both offsets.
// new_starts must have one strictly increasing entry per original instruction.
std::vector<IlMapEntry> build_il_map(const MethodBody& original, std::span<const uint32_t> new_starts,
                                     uint32_t tail_start);

// The map of a rewrite with a plain copy (rewriter.h, "Plain copy"): the
// entry check maps to 0, the plain copy's instructions (plain_starts) to
// theirs, then from armed_start the armed code as build_il_map maps it
// (its prologue to offset 0, its tail as above). Sorted by new offset only:
// the old offsets start again at the armed code.
std::vector<IlMapEntry> build_il_map_with_plain_copy(const MethodBody& original, std::span<const uint32_t> plain_starts,
                                                     uint32_t armed_start, std::span<const uint32_t> armed_starts,
                                                     uint32_t tail_start);

// The runtime's two translations (see above), for tests and diagnostics. An
// offset before the first entry (the runtime's "prolog") gives 0.
uint32_t original_offset_of(std::span<const IlMapEntry> map, uint32_t new_offset);
uint32_t new_offset_of(std::span<const IlMapEntry> map, uint32_t old_offset);

}  // namespace clrprobe::il
