// The hit path's timestamp source: raw TSC ticks when the CPU has an
// invariant TSC (constant_tsc + nonstop_tsc), else CLOCK_MONOTONIC in ns.
// Ticks are never converted on the hit path; the calibration (ticks per ns)
// is stored in the region header and applied by readers.
#pragma once

#include <cstdint>
#include <string_view>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace clrprobe::stats {

enum class ClockKind : uint32_t {
  Monotonic = 0,  // clock_gettime(CLOCK_MONOTONIC), ticks are ns
  Tsc = 1,        // rdtsc, ticks_per_ns from calibration
};

// Background: Auto, but calibrated on a background thread (see
// start_clock_calibration); a StatsRegion created so starts on the monotonic
// clock and adopts the calibration before it hands out its first slot.
// Deferred: as Background, but no thread of its own: the calibration is made
// by whoever first calls calibrate_clock (the agent's control thread as it
// starts; else the first slot, which would wait for it anyway).
enum class ClockChoice { Auto, ForceMonotonic, Background, Deferred };

struct ClockCalibration {
  ClockKind kind = ClockKind::Monotonic;
  double ticks_per_ns = 1.0;
};

// True when a /proc/cpuinfo text advertises both constant_tsc and nonstop_tsc
// in its first "flags" line (all CPUs of a machine report the same flags).
bool cpuinfo_has_invariant_tsc(std::string_view cpuinfo) noexcept;

// Chooses and calibrates the clock once per process (about 10 ms the first
// time Auto is requested; later calls return the cached result). The
// environment variable CLRPROBE_CLOCK=monotonic forces the fallback.
ClockCalibration calibrate_clock(ClockChoice choice = ClockChoice::Auto) noexcept;

// Starts the Auto calibration on a background thread (once per process) and
// returns at once, so the agent's load does not wait ~10 ms for it. A later
// calibrate_clock() waits for that thread instead of calibrating again. No
// thread when CLRPROBE_CLOCK=monotonic, or when one cannot be started (then
// calibrate_clock() calibrates on its caller's thread, as without this call).
// CLRPROBE_CLOCK_CALIBRATION_MS (1..10000, default 10) sets how long the
// calibration measures: tests lengthen it to add probes before it finishes.
void start_clock_calibration() noexcept;

// The Auto calibration if it has finished; never waits, never calibrates.
bool clock_calibration_finished() noexcept;

// CLOCK_MONOTONIC in ns. Kept out of line so its timespec (and the stack
// protector that comes with it) stays off the TSC hit path.
int64_t monotonic_ns() noexcept;

inline int64_t read_ticks(ClockKind kind) noexcept {
#if defined(__x86_64__)
  if (kind == ClockKind::Tsc) return static_cast<int64_t>(__rdtsc());
#endif
  return monotonic_ns();
}

}  // namespace clrprobe::stats
