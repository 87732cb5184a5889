#include "stats/hit_path.h"

#include <atomic>

#include "stats/hit_slow_path.h"
#include "stats/stripe.h"

namespace clrprobe::stats {
namespace {

std::atomic<const HitTarget*> g_target{nullptr};

// Owner-only stripes: a plain read-modify-write of relaxed atomics (a
// load + store, no lock prefix). The shared stripe needs a real atomic RMW.
inline void bump(uint64_t& field, bool shared) noexcept {
  std::atomic_ref<uint64_t> a(field);
  if (__builtin_expect(shared, 0))
    a.fetch_add(1, std::memory_order_relaxed);
  else
    a.store(a.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

inline void raise_max(uint64_t& field, uint64_t value, bool shared) noexcept {
  std::atomic_ref<uint64_t> a(field);
  uint64_t cur = a.load(std::memory_order_relaxed);
  if (__builtin_expect(value <= cur, 1)) return;
  if (!shared) {
    a.store(value, std::memory_order_relaxed);
    return;
  }
  while (value > cur && !a.compare_exchange_weak(cur, value, std::memory_order_relaxed)) {
  }
}

// The target, when slot is one it may count; nullptr otherwise.
inline const HitTarget* target_for(int32_t slot) noexcept {
  const HitTarget* t = g_target.load(std::memory_order_acquire);
  if (__builtin_expect(t == nullptr, 0)) return nullptr;
  if (__builtin_expect(static_cast<uint32_t>(slot) >=
                           t->slot_limit.load(std::memory_order_acquire), 0))
    return nullptr;
  return t;
}

// The slot's counters on this thread's stripe, opened on first use; nullptr
// when they cannot be (no page could be reserved: the call is not counted).
__attribute__((always_inline)) inline HotCounters* stripe_counters(const HitTarget* t, uint32_t slot,
                                                                   uint32_t stripe) noexcept {
  const uint32_t mask = __atomic_load_n(&t->stripe_masks[slot], __ATOMIC_RELAXED);
  if (__builtin_expect((mask & (1u << stripe)) == 0, 0) && !open_stripe(t, slot, stripe)) return nullptr;
  return &t->counters(slot, stripe);
}

// The entry count shared by enter and count: one call on this thread's
// stripe. False when it could not be counted.
__attribute__((always_inline)) inline bool count_call(const HitTarget* t, int32_t slot) noexcept {
  const uint32_t stripe = current_stripe();
  HotCounters* c = stripe_counters(t, static_cast<uint32_t>(slot), stripe);
  if (__builtin_expect(c == nullptr, 0)) return false;
  bump(c->calls, stripe == kSharedStripe);
  return true;
}

// The entry fast path's test: true when the thread has its stripe
// (stripe_plus_one: 0 = not assigned yet) and the stripe is open for the
// slot, so t->counters(slot, stripe_plus_one - 1) may be written; false when
// the slow path (count_call) must run first. The entry functions below keep
// no state across a call and compile to frameless code that tail-calls
// their slow path: no register saves or stack adjustment per call.
__attribute__((always_inline)) inline bool stripe_ready(const HitTarget* t, uint32_t slot,
                                                        uint32_t stripe_plus_one) noexcept {
  if (__builtin_expect(stripe_plus_one == 0, 0)) return false;
  const uint32_t mask = __atomic_load_n(&t->stripe_masks[slot], __ATOMIC_RELAXED);
  return __builtin_expect((mask & (1u << (stripe_plus_one - 1))) != 0, 1);
}

enum class Outcome { Returned, Exception, Cancelled };

__attribute__((always_inline)) inline void record_completion_at(const HitTarget* t, int32_t slot, int64_t start,
                                                                int64_t now, Outcome outcome) noexcept {
  const uint64_t elapsed = now > start ? static_cast<uint64_t>(now - start) : 0;
  const uint32_t stripe = current_stripe();
  const bool shared = stripe == kSharedStripe;
  // May be another stripe than the entry's (a task completing elsewhere).
  HotCounters* c = stripe_counters(t, static_cast<uint32_t>(slot), stripe);
  if (__builtin_expect(c == nullptr, 0)) return;
  uint32_t block = __atomic_load_n(&c->histogram, __ATOMIC_RELAXED);
  if (__builtin_expect(block == 0, 0)) block = attach_histogram(t, *c);
  if (outcome == Outcome::Exception) bump(c->exceptions, shared);
  if (outcome == Outcome::Cancelled) bump(c->cancelled, shared);
  if (__builtin_expect(block != kNoHistogram, 1))
    bump(t->histograms[block - 1].buckets[bucket_index(elapsed)], shared);
  else
    bump(c->unrecorded, shared);
  raise_max(c->max_ticks, elapsed, shared);
}

__attribute__((always_inline)) inline void record_completion(const HitTarget* t, int32_t slot, int64_t start,
                                                             Outcome outcome) noexcept {
  record_completion_at(t, slot, start, read_ticks(t->clock), outcome);
}

// A sampled call that was counted but not timed (start == kCountedUntimed):
// only its outcome is counted, no latency.
__attribute__((always_inline)) inline void record_outcome_only(const HitTarget* t, int32_t slot,
                                                               Outcome outcome) noexcept {
  if (outcome == Outcome::Returned) return;
  const uint32_t stripe = current_stripe();
  const bool shared = stripe == kSharedStripe;
  HotCounters* c = stripe_counters(t, static_cast<uint32_t>(slot), stripe);
  if (__builtin_expect(c == nullptr, 0)) return;
  bump(outcome == Outcome::Exception ? c->exceptions : c->cancelled, shared);
}

// Sampled probes: one countdown per thread, shared by the sampled methods the
// thread calls, clamped to each method's rate (so a method with rate 1 is
// timed on every call). 0 = not started.
thread_local constinit uint32_t t_sample_countdown __attribute__((tls_model("initial-exec"))) = 0;

// Rates per slot (0 reads as the default): static, zero pages until a slot
// is given a rate, never freed.
std::atomic<uint32_t> g_sample_rate[kMaxSlotCapacity];

// The sampled entry after the call was counted: times one call in N.
__attribute__((always_inline)) inline int64_t sample_or_untimed(const HitTarget* t, int32_t slot) noexcept {
  const uint32_t rate = g_sample_rate[static_cast<uint32_t>(slot)].load(std::memory_order_relaxed);
  uint32_t left = t_sample_countdown;
  if (left == 0 || left > rate) left = rate == 0 ? kDefaultSampleRate : rate;
  if (__builtin_expect(--left != 0, 1)) {
    t_sample_countdown = left;
    return kCountedUntimed;
  }
  t_sample_countdown = 0;  // restarts at the rate on the next call
  return read_ticks(t->clock);
}

// Slow paths of the entry functions (first call of a thread, or of a
// (slot, stripe)): out of line, so the fast paths stay frameless.
__attribute__((noinline)) int64_t enter_slow(const HitTarget* t, int32_t slot) noexcept {
  if (!count_call(t, slot)) return 0;  // not counted: leave must not complete it
  return read_ticks(t->clock);
}

__attribute__((noinline)) int64_t enter_sampled_slow(const HitTarget* t, int32_t slot) noexcept {
  if (!count_call(t, slot)) return 0;  // not counted: neither is its outcome
  return sample_or_untimed(t, slot);
}

__attribute__((noinline)) void count_slow(const HitTarget* t, int32_t slot) noexcept { count_call(t, slot); }

// Everything leave's fast path does not take (the monotonic clock, the shared
// stripe, a (slot, stripe) not opened yet, no histogram block attached yet or
// none to be had): out of line, like the entry slow paths. now: the end of the
// call when the fast path already read it, else 0 (read here).
__attribute__((noinline)) void leave_slow(const HitTarget* t, int32_t slot, int64_t start, int64_t now) noexcept {
  record_completion_at(t, slot, start, now != 0 ? now : read_ticks(t->clock), Outcome::Returned);
}

// The return fast path's run (region_layout.h, latency_run) changes bucket or
// is full: the run so far goes into the block, a new one starts with this
// call. Owner-only stripe: plain stores, in an order readers rely on: the
// run marked as moving, then (release) the block, then (release) the new
// run. A reader that sees the block with the old run in it therefore sees the
// moving run or the new one, never the old run as if still outside the block.
__attribute__((noinline)) void move_run(const HitTarget* t, HotCounters& c, uint32_t block, uint32_t bucket) noexcept {
  std::atomic_ref<uint32_t> run(c.latency_run);
  const uint32_t old = run.load(std::memory_order_relaxed);
  if (old != 0) {
    run.store(old | kRunMovingBit, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    std::atomic_ref<uint64_t> b(t->histograms[block - 1].buckets[run_bucket(old)]);
    b.store(b.load(std::memory_order_relaxed) + run_count(old), std::memory_order_relaxed);
  }
  run.store(run_tag(bucket) | 1, std::memory_order_release);
}

}  // namespace

void set_sample_rate(int32_t slot, uint32_t rate) noexcept {
  if (slot < 0 || static_cast<uint32_t>(slot) >= kMaxSlotCapacity) return;
  g_sample_rate[slot].store(rate, std::memory_order_relaxed);
}

uint32_t sample_rate(int32_t slot) noexcept {
  if (slot < 0 || static_cast<uint32_t>(slot) >= kMaxSlotCapacity) return kDefaultSampleRate;
  const uint32_t rate = g_sample_rate[slot].load(std::memory_order_relaxed);
  return rate == 0 ? kDefaultSampleRate : rate;
}

void set_hit_target(const HitTarget* target) noexcept {
  g_target.store(target, std::memory_order_release);
}

const HitTarget* hit_target() noexcept { return g_target.load(std::memory_order_acquire); }

}  // namespace clrprobe::stats

using namespace clrprobe::stats;

extern "C" int64_t clrprobe_hit_enter(int32_t slot) noexcept {
  const HitTarget* t = target_for(slot);
  if (t == nullptr) return 0;
  const uint32_t s = detail::t_stripe_plus_one;
  if (!stripe_ready(t, static_cast<uint32_t>(slot), s)) return enter_slow(t, slot);
  bump(t->counters(static_cast<uint32_t>(slot), s - 1).calls, s == kSharedStripe + 1);
  // Timestamp last, so the counting above is not billed to the method.
  return read_ticks(t->clock);
}

extern "C" int64_t clrprobe_hit_enter_sampled(int32_t slot) noexcept {
  const HitTarget* t = target_for(slot);
  if (t == nullptr) return 0;
  const uint32_t s = detail::t_stripe_plus_one;
  if (!stripe_ready(t, static_cast<uint32_t>(slot), s)) return enter_sampled_slow(t, slot);
  bump(t->counters(static_cast<uint32_t>(slot), s - 1).calls, s == kSharedStripe + 1);
  return sample_or_untimed(t, slot);
}

// The common return: TSC clock, the thread's own stripe open for the slot, its
// histogram attached. It makes no call but the tail calls to leave_slow and
// move_run, so it compiles frameless (no register saves per call) like the
// entry functions. The latency goes into the run of its bucket
// (region_layout.h, latency_run) while the bucket stays the same.
extern "C" void clrprobe_hit_leave(int32_t slot, int64_t start) noexcept {
  if (static_cast<uint64_t>(start) <= kCountedUntimed) return;
  const HitTarget* t = target_for(slot);
  if (t == nullptr) return;
  if (t->clock != ClockKind::Tsc) return leave_slow(t, slot, start, 0);
  const int64_t now = read_ticks(ClockKind::Tsc);
  const uint32_t s = detail::t_stripe_plus_one;
  if (s == kSharedStripe + 1 || !stripe_ready(t, static_cast<uint32_t>(slot), s)) {
    return leave_slow(t, slot, start, now);
  }
  HotCounters& c = t->counters(static_cast<uint32_t>(slot), s - 1);
  const uint32_t block = __atomic_load_n(&c.histogram, __ATOMIC_RELAXED);
  if (__builtin_expect(block == 0 || block == kNoHistogram, 0)) return leave_slow(t, slot, start, now);
  const uint64_t elapsed = now > start ? static_cast<uint64_t>(now - start) : 0;
  raise_max(c.max_ticks, elapsed, /*shared=*/false);
  const uint32_t bucket = bucket_index(elapsed);
  const uint32_t run = __atomic_load_n(&c.latency_run, __ATOMIC_RELAXED);
  // One compare: the tag bits cancel only for the same bucket, and the count
  // left must be below the maximum.
  if (__builtin_expect((run ^ run_tag(bucket)) >= kRunCountMax, 0)) return move_run(t, c, block, bucket);
  // Release (a plain store on x86): a reader acquiring this value also sees
  // the block as the last move left it.
  __atomic_store_n(&c.latency_run, run + 1, __ATOMIC_RELEASE);
}

extern "C" void clrprobe_hit_exception(int32_t slot, int64_t start) noexcept {
  if (start == 0) return;
  const HitTarget* t = target_for(slot);
  if (t == nullptr) return;
  if (start == kCountedUntimed) return record_outcome_only(t, slot, Outcome::Exception);
  record_completion(t, slot, start, Outcome::Exception);
}

extern "C" void clrprobe_hit_complete(int32_t slot, int64_t start, int32_t succeeded, int32_t cancelled) noexcept {
  if (start == 0) return;
  const HitTarget* t = target_for(slot);
  if (t == nullptr) return;
  const Outcome outcome = succeeded != 0 ? Outcome::Returned : cancelled != 0 ? Outcome::Cancelled : Outcome::Exception;
  if (start == kCountedUntimed) return record_outcome_only(t, slot, outcome);
  record_completion(t, slot, start, outcome);
}

extern "C" void clrprobe_hit_count(int32_t slot) noexcept {
  const HitTarget* t = target_for(slot);
  if (t == nullptr) return;
  const uint32_t s = detail::t_stripe_plus_one;
  if (!stripe_ready(t, static_cast<uint32_t>(slot), s)) return count_slow(t, slot);
  bump(t->counters(static_cast<uint32_t>(slot), s - 1).calls, s == kSharedStripe + 1);
}
