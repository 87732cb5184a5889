#include "stats/stripe.h"

#include <pthread.h>

#include <atomic>
#include <cstdint>

namespace clrprobe::stats {

namespace detail {
constinit thread_local uint32_t t_stripe_plus_one __attribute__((tls_model("initial-exec"))) = 0;
}  // namespace detail

namespace {

static_assert(kStripeCount >= 2 && kStripeCount <= 33,
              "leases live in a 32-bit mask, plus the shared stripe");
constexpr uint32_t kLeasableMask =
    kSharedStripe >= 32 ? UINT32_MAX : ((1u << kSharedStripe) - 1);

std::atomic<uint32_t> g_leased{0};
pthread_key_t g_lease_key;
std::atomic<bool> g_key_ready{false};

void return_lease(uint32_t stripe) noexcept {
  // Release: this thread's plain stores to the stripe happen-before the next
  // owner's acquire in assign_stripe, so no count is lost across owners.
  g_leased.fetch_and(~(1u << stripe), std::memory_order_release);
}

extern "C" void on_thread_exit(void* value) {
  const auto stripe_plus_one = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(value));
  if (stripe_plus_one == 0 || stripe_plus_one > kSharedStripe) return;
  // Anything this thread still runs (later TLS destructors may run probed
  // code) goes to the shared stripe; the lease must not be re-taken.
  detail::t_stripe_plus_one = kSharedStripe + 1;
  return_lease(stripe_plus_one - 1);
}

// After fork only the forking thread survives: leases held by the parent's
// other threads would otherwise be lost for the child's lifetime.
extern "C" void reset_leases_in_child() {
  const uint32_t own = detail::t_stripe_plus_one;
  g_leased.store(own != 0 && own <= kSharedStripe ? 1u << (own - 1) : 0,
                 std::memory_order_relaxed);
}

uint32_t use_shared() noexcept {
  detail::t_stripe_plus_one = kSharedStripe + 1;
  return kSharedStripe;
}

}  // namespace

void prepare_stripe_leases() noexcept {
  static const bool created = [] {
    if (::pthread_key_create(&g_lease_key, &on_thread_exit) != 0) return false;
    ::pthread_atfork(nullptr, nullptr, &reset_leases_in_child);
    g_key_ready.store(true, std::memory_order_release);
    return true;
  }();
  (void)created;
}

namespace detail {

uint32_t assign_stripe() noexcept {
  if (!g_key_ready.load(std::memory_order_acquire)) return use_shared();
  uint32_t cur = g_leased.load(std::memory_order_relaxed);
  for (;;) {
    const uint32_t free = ~cur & kLeasableMask;
    if (free == 0) return use_shared();
    const uint32_t stripe = static_cast<uint32_t>(__builtin_ctz(free));
    if (g_leased.compare_exchange_weak(cur, cur | (1u << stripe), std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
      // Keys below 32 live inside the thread descriptor: no allocation here.
      if (::pthread_setspecific(g_lease_key,
                                reinterpret_cast<void*>(uintptr_t{stripe} + 1)) != 0) {
        return_lease(stripe);  // could not arrange the return: do not leak it
        return use_shared();
      }
      t_stripe_plus_one = stripe + 1;
      return stripe;
    }
  }
}

}  // namespace detail

uint32_t stripe_leases_in_use() noexcept {
  return static_cast<uint32_t>(__builtin_popcount(g_leased.load(std::memory_order_relaxed)));
}

}  // namespace clrprobe::stats
