// One arm flag per stats slot: a byte the instrumented IL reads inline at
// every call (rewriter.h, "Arm flag"). 1 = the hooks run, 0 = disarmed (a
// removed probe: the code stays, no hook is called). The array is static and
// never freed, so the address embedded in rewritten code stays valid for the
// life of the process; untouched pages cost no memory.
//
// Writers flip a flag under the probe registry's lock; the IL reads it with a
// plain load (a call sees the new value eventually, which is all it needs:
// each call decides once, at its entry).
#pragma once

#include <cstdint>

namespace clrprobe::agent {

// The flag's address for slot (nullptr outside the array).
const uint8_t* arm_flag_address(int32_t slot) noexcept;
void set_armed(int32_t slot, bool armed) noexcept;
bool is_armed(int32_t slot) noexcept;

}  // namespace clrprobe::agent
