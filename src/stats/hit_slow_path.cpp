#include "stats/hit_slow_path.h"

#include <fcntl.h>

#include <atomic>

namespace clrprobe::stats {
namespace {

bool reserve(const HitTarget* t, uint64_t offset, uint64_t length) noexcept {
  if (t->fd < 0) return true;  // anonymous memory: nothing to reserve
  return ::posix_fallocate(t->fd, static_cast<off_t>(offset), static_cast<off_t>(length)) == 0;
}

// A fresh block number (+1), its page reserved; kNoHistogram when none is left.
uint32_t take_block(const HitTarget* t) noexcept {
  std::atomic_ref<uint32_t> used(t->header->histograms_used);
  // Cheap check first, so an exhausted pool does not keep growing the counter.
  if (used.load(std::memory_order_relaxed) >= t->histogram_blocks) return kNoHistogram;
  const uint32_t block = used.fetch_add(1, std::memory_order_relaxed);
  if (block >= t->histogram_blocks) return kNoHistogram;
  if (!reserve(t, t->histograms_offset + uint64_t{block} * sizeof(HistogramBlock), sizeof(HistogramBlock)))
    return kNoHistogram;
  return block + 1;
}

}  // namespace

__attribute__((noinline)) bool open_stripe(const HitTarget* t, uint32_t slot, uint32_t stripe) noexcept {
  const uint64_t offset = t->hot_offset + stripe * t->hot_stripe_stride + uint64_t{slot} * sizeof(HotCounters);
  if (!reserve(t, offset, sizeof(HotCounters))) {
    std::atomic_ref<uint64_t>(t->header->calls_lost).fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  // Release: a reader that sees the bit reads counters on a reserved page.
  std::atomic_ref<uint32_t>(t->stripe_masks[slot]).fetch_or(1u << stripe, std::memory_order_release);
  return true;
}

__attribute__((noinline)) uint32_t attach_histogram(const HitTarget* t, HotCounters& c) noexcept {
  const uint32_t block = take_block(t);
  if (block == kNoHistogram)
    std::atomic_ref<uint64_t>(t->header->histograms_unavailable).fetch_add(1, std::memory_order_relaxed);
  std::atomic_ref<uint32_t> field(c.histogram);
  uint32_t expected = 0;
  // Only the shared stripe can race here; the loser's block stays unused.
  if (!field.compare_exchange_strong(expected, block, std::memory_order_relaxed)) return expected;
  return block;
}

}  // namespace clrprobe::stats
