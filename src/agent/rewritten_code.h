// A method's instrumented code as the runtime takes it (GetReJITParameters, or
// its body at first JIT): the rewritten IL and the map that keeps stack traces
// on the original offsets. The agent does not keep it per method (most probed
// methods are never called, so the runtime never asks): the instrumenter makes
// it again when asked, and keeps only its fingerprint, to check that the code
// made again is the code it checked when the probe was added.
#pragma once

#include <cstdint>
#include <vector>

#include "common/fnv1a.h"
#include "il/il_map.h"

namespace clrprobe::agent {

struct RewrittenCode {
  std::vector<uint8_t> il;
  std::vector<il::IlMapEntry> il_map;
};

// Over the IL and the map: the same code, the same fingerprint; any byte or
// offset changed, (almost surely) another one.
inline uint64_t fingerprint(const RewrittenCode& code) {
  Fnv1a hash;
  hash.add_le(code.il.size(), 4);
  hash.add_all(code.il);
  hash.add_le(code.il_map.size(), 4);
  for (const auto& e : code.il_map) {
    hash.add_le(e.old_offset, 4);
    hash.add_le(e.new_offset, 4);
    hash.add(e.accurate ? 1 : 0);
  }
  return hash.value();
}

}  // namespace clrprobe::agent
