// The `--rate N/s` budget of a watch: at most N events per wall-clock
// second window, decided with two relaxed atomics and no lock, so any
// thread of the host can ask on its way out of a watched call.
#pragma once

#include <atomic>
#include <cstdint>

namespace clrprobe::watch {

class RateLimiter {
 public:
  explicit RateLimiter(uint32_t per_second) : per_second_(per_second) {}

  // True when one more event fits the window that contains `now_ns`.
  bool allow(uint64_t now_ns) noexcept {
    const uint64_t window = now_ns / 1'000'000'000ull;
    uint64_t current = window_.load(std::memory_order_relaxed);
    if (window != current) {
      // The first thread into a new window resets the count; a late thread
      // of an old window finds the count reset and only spends a token.
      if (window > current && window_.compare_exchange_strong(current, window, std::memory_order_relaxed)) {
        used_.store(0, std::memory_order_relaxed);
      }
    }
    return used_.fetch_add(1, std::memory_order_relaxed) < per_second_;
  }

  uint32_t per_second() const { return per_second_; }

 private:
  const uint32_t per_second_;
  std::atomic<uint64_t> window_{0};
  std::atomic<uint32_t> used_{0};
};

}  // namespace clrprobe::watch
