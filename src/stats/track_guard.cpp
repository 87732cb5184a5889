#include "stats/track_guard.h"

namespace {

// The frame of the registering Track's guard call on this thread; 0 when none.
// A frame address rather than a flag: should ContinueWith ever throw between
// enter and leave, the mark is left behind, and the next Track at the same
// depth or shallower (stacks grow down) replaces it instead of being taken
// for a nested one.
thread_local constinit uintptr_t t_registering_frame __attribute__((tls_model("initial-exec"))) = 0;

}  // namespace

extern "C" __attribute__((noinline)) int32_t clrprobe_track_guard(int32_t entering) noexcept {
  if (entering == 0) {
    t_registering_frame = 0;
    return 0;
  }
  const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (t_registering_frame != 0 && here < t_registering_frame) return 0;  // nested in a registration
  t_registering_frame = here;
  return 1;
}
