// The wall clock in ns since the Unix epoch (CLOCK_REALTIME): when a probe was
// added, expired or suspended, when a region was made, when an event happened.
// Never for durations (it jumps with the system time): those use stats/clock.h.
#pragma once

#include <time.h>

#include <cstdint>

namespace clrprobe {

inline uint64_t unix_now_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(now.tv_nsec);
}

}  // namespace clrprobe
