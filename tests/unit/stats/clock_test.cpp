#include "stats/clock.h"

#include <gtest/gtest.h>

namespace clrprobe::stats {
namespace {

TEST(Clock, InvariantTscNeedsBothFlags) {
  EXPECT_TRUE(cpuinfo_has_invariant_tsc(
      "processor\t: 0\nflags\t\t: fpu tsc constant_tsc rep_good nonstop_tsc cpuid\n"));
  EXPECT_TRUE(cpuinfo_has_invariant_tsc("flags: nonstop_tsc constant_tsc"));
  EXPECT_FALSE(cpuinfo_has_invariant_tsc("flags\t\t: fpu tsc constant_tsc rep_good\n"));
  EXPECT_FALSE(cpuinfo_has_invariant_tsc("flags\t\t: fpu tsc nonstop_tsc_x constant_tsc\n"));
  EXPECT_FALSE(cpuinfo_has_invariant_tsc("model name: nonstop_tsc constant_tsc\n"));
  EXPECT_FALSE(cpuinfo_has_invariant_tsc(""));
}

TEST(Clock, OnlyTheFirstFlagsLineCounts) {
  EXPECT_FALSE(cpuinfo_has_invariant_tsc(
      "flags : fpu\n\nflags : constant_tsc nonstop_tsc\n"));
}

TEST(Clock, CalibrationIsSane) {
  const ClockCalibration c = calibrate_clock();
  if (c.kind == ClockKind::Tsc) {
    EXPECT_GT(c.ticks_per_ns, 0.05);
    EXPECT_LT(c.ticks_per_ns, 100.0);
  } else {
    EXPECT_EQ(c.ticks_per_ns, 1.0);
  }
  // Cached: a second call returns the same figure without recalibrating.
  EXPECT_EQ(calibrate_clock().ticks_per_ns, c.ticks_per_ns);
}

TEST(Clock, ForcedMonotonicCountsNanoseconds) {
  const ClockCalibration c = calibrate_clock(ClockChoice::ForceMonotonic);
  EXPECT_EQ(c.kind, ClockKind::Monotonic);
  EXPECT_EQ(c.ticks_per_ns, 1.0);
  const int64_t a = read_ticks(ClockKind::Monotonic);
  const int64_t b = read_ticks(ClockKind::Monotonic);
  EXPECT_GT(a, 0);
  EXPECT_GE(b, a);
}

TEST(Clock, TicksAdvanceWithCalibratedRate) {
  const ClockCalibration c = calibrate_clock();
  const int64_t t0 = read_ticks(c.kind);
  const int64_t m0 = monotonic_ns();
  while (monotonic_ns() - m0 < 2'000'000) {
  }
  const int64_t t1 = read_ticks(c.kind);
  const int64_t m1 = monotonic_ns();
  const double measured_ns = static_cast<double>(t1 - t0) / c.ticks_per_ns;
  EXPECT_NEAR(measured_ns, static_cast<double>(m1 - m0), 0.25 * static_cast<double>(m1 - m0));
}

}  // namespace
}  // namespace clrprobe::stats
