// Which stripe of counters the current thread writes.
//
// The first kStripeCount-1 threads that hit a probe each lease a stripe of
// their own and update it with plain (relaxed load + store) writes: no lock
// prefix, no shared cache line. A lease is returned when its thread exits
// (pthread key destructor), so thread-pool churn recycles stripes. Threads
// beyond that share the last stripe and use atomic read-modify-write: slower,
// never a lost count.
#pragma once

#include <cstdint>

#include "stats/region_layout.h"

namespace clrprobe::stats {

inline constexpr uint32_t kSharedStripe = kStripeCount - 1;

namespace detail {
// 0 = not assigned yet, else stripe + 1. initial-exec TLS: one %fs-relative
// load on the hit path (no __tls_get_addr), costs 4 bytes of static TLS.
extern thread_local constinit uint32_t t_stripe_plus_one __attribute__((tls_model("initial-exec")));

// Slow path, once per thread: lease a stripe or fall back to the shared one.
uint32_t assign_stripe() noexcept;
}  // namespace detail

// Must run once before leases can be handed out (creates the pthread key that
// returns them); called by StatsRegion::create, never on the hit path. Until
// it ran, every thread uses the shared stripe.
void prepare_stripe_leases() noexcept;

inline uint32_t current_stripe() noexcept {
  uint32_t s = detail::t_stripe_plus_one;
  if (__builtin_expect(s == 0, 0)) return detail::assign_stripe();
  return s - 1;
}

// Introspection for tests and the agent's diagnostics.
uint32_t stripe_leases_in_use() noexcept;

}  // namespace clrprobe::stats
