// The native functions instrumented IL calls through `calli` (unmanaged
// cdecl, CallConvSuppressGCTransition). They run on every probed call in the
// host process, so they are short, lock-free, allocation-free and never throw;
// an unknown slot or a missing region makes them do nothing.
//
//   int64_t start = clrprobe_hit_enter(slot);     // at method entry
//   clrprobe_hit_leave(slot, start);              // on normal return
//   clrprobe_hit_exception(slot, start);          // in the fault/catch handler
//   clrprobe_hit_complete(slot, start, ok, cancelled)  // a returned task finished
//   clrprobe_hit_count(slot);                     // entry of a count-only probe
//   int64_t start = clrprobe_hit_enter_sampled(slot);  // entry of a sampled probe
//
// Counters live in a sparse layout (region_layout.h): the first write of a
// (slot, stripe) reserves its page and marks the slot's stripe mask, the
// first completion takes a histogram block from the pool (hit_slow_path.h);
// both are slow paths taken once. When no block can be had, completions are
// counted without latency; when no page can be had, the call is not counted.
//
// A count-only probe (il::ProbeShape::CountOnly: methods with `tail.` calls)
// calls clrprobe_hit_count alone: it counts the call as enter does, on the
// same stripe, but reads no clock and is never followed by leave, so its
// slot has calls and no latency (readers must not take calls - Σbuckets of
// such a slot for calls in flight).
//
// Methods returning Task/ValueTask call clrprobe_hit_complete instead of
// leave, when the task completes (on whichever thread completes it):
// succeeded != 0 ran to completion, else cancelled != 0 was cancelled, else
// faulted (counted as an exception). Every outcome records the latency, so
// `calls - Σbuckets` is the number of calls in flight.
//
// A sampled probe (`--kind sampled`) enters through clrprobe_hit_enter_sampled:
// it counts every call like enter, but reads the clock on one call in N per
// thread (N = sample_rate(slot)) and returns kCountedUntimed (1) on the
// others. leave does nothing for such a call; exception and complete count
// its outcome (exception, cancelled) without a latency. So a sampled slot has
// exact calls, exceptions and cancellations, and latency from the sample:
// readers must not take calls - Σbuckets for calls in flight (SlotMeta::kind).
//
// enter returns 0 when it did not count the call; leave/exception ignore a 0
// start, so a call is either fully measured or not at all (a region installed
// mid-call cannot produce a bogus latency).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "stats/clock.h"
#include "stats/region_layout.h"

extern "C" {
int64_t clrprobe_hit_enter(int32_t slot) noexcept;
void clrprobe_hit_leave(int32_t slot, int64_t start) noexcept;
void clrprobe_hit_exception(int32_t slot, int64_t start) noexcept;
void clrprobe_hit_complete(int32_t slot, int64_t start, int32_t succeeded, int32_t cancelled) noexcept;
void clrprobe_hit_count(int32_t slot) noexcept;
int64_t clrprobe_hit_enter_sampled(int32_t slot) noexcept;
}

namespace clrprobe::stats {

// What the hit functions need from the installed region: the first line is
// all the count path reads; the rest serves the once-per-(slot, stripe) slow
// paths (hit_slow_path.h).
struct HitTarget {
  std::byte* hot = nullptr;              // HotCounters[stripe][slot], stripe-major
  uint64_t hot_stripe_stride = 0;        // bytes per stripe
  HistogramBlock* histograms = nullptr;  // the pool
  std::atomic<uint32_t> slot_limit{0};   // slots below this were allocated
  ClockKind clock = ClockKind::Monotonic;
  uint32_t* stripe_masks = nullptr;  // [slot]: stripes that counted it
  RegionHeader* header = nullptr;
  uint32_t histogram_blocks = 0;   // pool capacity
  int fd = -1;                     // to reserve pages; -1 when anonymous
  uint64_t hot_offset = 0;         // of the hot counters in the file
  uint64_t histograms_offset = 0;  // of the pool in the file

  HotCounters& counters(uint32_t slot, uint32_t stripe) const noexcept {
    return reinterpret_cast<HotCounters*>(hot + stripe * hot_stripe_stride)[slot];
  }
};

// What a sampled enter returns for a call it counted without timing it.
inline constexpr int64_t kCountedUntimed = 1;
inline constexpr uint32_t kDefaultSampleRate = 64;

// The rate of a sampled slot: its calls are timed one in `rate` per thread
// (1 = every call). Set before the slot's sampled code can run; a later
// change needs no ReJIT.
void set_sample_rate(int32_t slot, uint32_t rate) noexcept;
uint32_t sample_rate(int32_t slot) noexcept;

// Publishes (or with nullptr withdraws) the target of the hit functions.
// Withdrawing does not wait for calls in flight: memory behind a withdrawn
// target must stay mapped while any thread may still be inside a hit function.
void set_hit_target(const HitTarget* target) noexcept;
const HitTarget* hit_target() noexcept;

}  // namespace clrprobe::stats
