// The seqlock protocol for slot metadata, in one place. The single writer
// (the agent, under its mutex) makes the generation odd, stores every word
// with release order, then makes it even again; a reader loads words with
// acquire order and accepts the copy only if the generation was even and
// unchanged. Word-wise atomics instead of fences keep it valid C++ and
// visible to ThreadSanitizer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "stats/region_layout.h"

namespace clrprobe::stats {

namespace detail {
// Words after {generation, state}: kind, lengths, string offset.
inline constexpr size_t kMetaBodyOffset = 8;
inline constexpr size_t kMetaBodyWords = (sizeof(SlotMeta) - kMetaBodyOffset) / 8;
static_assert(offsetof(SlotMeta, kind) == kMetaBodyOffset);
static_assert(sizeof(SlotMeta) % 8 == 0 && alignof(SlotMeta) >= 4);
}  // namespace detail

// Writer side: replaces everything but the generation with `value`.
inline void publish_slot_meta(SlotMeta& dst, const SlotMeta& value) noexcept {
  const uint32_t g = __atomic_load_n(&dst.generation, __ATOMIC_RELAXED);
  __atomic_store_n(&dst.generation, g + 1, __ATOMIC_RELAXED);
  __atomic_store_n(&dst.state, value.state, __ATOMIC_RELEASE);
  auto* out = reinterpret_cast<uint64_t*>(reinterpret_cast<char*>(&dst) + detail::kMetaBodyOffset);
  for (size_t i = 0; i < detail::kMetaBodyWords; ++i) {
    uint64_t word;
    std::memcpy(&word, reinterpret_cast<const char*>(&value) + detail::kMetaBodyOffset + i * 8, 8);
    __atomic_store_n(&out[i], word, __ATOMIC_RELEASE);
  }
  __atomic_store_n(&dst.generation, g + 2, __ATOMIC_RELEASE);
}

// Reader side, one attempt: true with a consistent copy in `out`.
inline bool try_read_slot_meta(const SlotMeta& src, SlotMeta& out) noexcept {
  const uint32_t before = __atomic_load_n(&src.generation, __ATOMIC_ACQUIRE);
  if (before & 1u) return false;
  out.generation = before;
  out.state = __atomic_load_n(&src.state, __ATOMIC_ACQUIRE);
  const auto* in =
      reinterpret_cast<const uint64_t*>(reinterpret_cast<const char*>(&src) + detail::kMetaBodyOffset);
  for (size_t i = 0; i < detail::kMetaBodyWords; ++i) {
    const uint64_t word = __atomic_load_n(&in[i], __ATOMIC_ACQUIRE);
    std::memcpy(reinterpret_cast<char*>(&out) + detail::kMetaBodyOffset + i * 8, &word, 8);
  }
  return __atomic_load_n(&src.generation, __ATOMIC_RELAXED) == before;
}

}  // namespace clrprobe::stats
