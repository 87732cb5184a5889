// Appends locals to a LocalVarSig without touching the existing ones, so
// every existing local keeps its index.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"

namespace clrprobe::il {

struct ExtendedLocals {
  std::vector<uint8_t> sig;     // LOCAL_SIG, new count, old locals verbatim, new ones
  uint32_t original_count = 0;  // == index of the first appended local
};

// `original` may be empty (the method has no locals): a fresh LOCAL_SIG is
// built. Each entry of `added` is one complete local type blob (e.g. {0x0A}
// for int64). Fails with InvalidInput/Truncated on a malformed original and
// MethodTooLarge when the count would exceed max_count.
Result<ExtendedLocals> append_locals(std::span<const uint8_t> original,
                                     const std::vector<std::span<const uint8_t>>& added,
                                     uint32_t max_count);

}  // namespace clrprobe::il
