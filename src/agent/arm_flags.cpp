#include "agent/arm_flags.h"

#include <atomic>

#include "stats/region_layout.h"

namespace clrprobe::agent {
namespace {

uint8_t g_arm_flags[stats::kMaxSlotCapacity];

bool in_range(int32_t slot) { return slot >= 0 && static_cast<uint32_t>(slot) < stats::kMaxSlotCapacity; }

}  // namespace

const uint8_t* arm_flag_address(int32_t slot) noexcept { return in_range(slot) ? &g_arm_flags[slot] : nullptr; }

void set_armed(int32_t slot, bool armed) noexcept {
  if (!in_range(slot)) return;
  std::atomic_ref<uint8_t>(g_arm_flags[slot]).store(armed ? 1 : 0, std::memory_order_release);
}

bool is_armed(int32_t slot) noexcept {
  return in_range(slot) && std::atomic_ref<uint8_t>(g_arm_flags[slot]).load(std::memory_order_acquire) != 0;
}

}  // namespace clrprobe::agent
