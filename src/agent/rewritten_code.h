// A method's instrumented code as the runtime takes it (GetReJITParameters, or
// its body at first JIT): the rewritten IL and the map that keeps stack traces
// on the original offsets. The agent does not keep it per method (most probed
// methods are never called, so the runtime never asks): the instrumenter makes
// it again when asked, and keeps only its fingerprint, to check that the code
// made again is the code it checked when the probe was added.
#pragma once

#include <cstdint>
#include <vector>

#include "il/il_map.h"

namespace clrprobe::agent {

struct RewrittenCode {
  std::vector<uint8_t> il;
  std::vector<il::IlMapEntry> il_map;
};

// FNV-1a over the IL and the map: the same code, the same fingerprint; any
// byte or offset changed, (almost surely) another one.
inline uint64_t fingerprint(const RewrittenCode& code) {
  uint64_t hash = 0xcbf29ce484222325ull;
  const auto mix = [&](uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
      hash ^= (value >> (8 * i)) & 0xFF;
      hash *= 0x100000001b3ull;
    }
  };
  mix(code.il.size(), 4);
  for (uint8_t b : code.il) mix(b, 1);
  mix(code.il_map.size(), 4);
  for (const auto& e : code.il_map) {
    mix(e.old_offset, 4);
    mix(e.new_offset, 4);
    mix(e.accurate ? 1 : 0, 1);
  }
  return hash;
}

}  // namespace clrprobe::agent
