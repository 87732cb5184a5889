// The agent's region starts before the TSC calibration finishes
// (ClockChoice::Background): these check that no tick is ever read with the
// wrong calibration. Each test runs in a process of its own (ctest), so the
// calibration is not already cached when it starts.
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdlib.h>
#include <time.h>

#include "stats/clock.h"
#include "stats/hit_path.h"
#include "stats/stats_reader.h"
#include "test_support.h"

namespace clrprobe::stats {
namespace {

using testing::InstalledRegion;

void sleep_ms(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000};
  while (::nanosleep(&ts, &ts) != 0) {
  }
}

RegionInfo header_of(const StatsRegion& region) {
  auto reader = StatsReader::view(region.bytes());
  EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().describe());
  return reader.ok() ? reader->info() : RegionInfo{};
}

TEST(BackgroundClock, RegionIsUsableBeforeTheCalibrationFinishes) {
  ::setenv("CLRPROBE_CLOCK_CALIBRATION_MS", "400", 1);
  const bool cached_already = clock_calibration_finished();
  InstalledRegion region(4, ClockChoice::Background);
  // Created at once, on the monotonic clock, with a header readers accept.
  const RegionInfo before = header_of(*region);
  if (!cached_already) {
    EXPECT_FALSE(clock_calibration_finished());
    EXPECT_EQ(before.clock, ClockKind::Monotonic);
    EXPECT_EQ(before.ticks_per_ns, 1.0);
  }
  ::unsetenv("CLRPROBE_CLOCK_CALIBRATION_MS");
}

TEST(BackgroundClock, FirstSlotAdoptsTheCalibrationAndMeasuresASleepCorrectly) {
  ::setenv("CLRPROBE_CLOCK_CALIBRATION_MS", "300", 1);
  InstalledRegion region(4, ClockChoice::Background);
  // Allocated while the calibration still runs: waits for it, then times
  // with the clock the header names.
  auto slot = region->allocate_slot("A::Sleep()", "a.dll");
  ASSERT_TRUE(slot.ok());
  EXPECT_TRUE(clock_calibration_finished());
  const ClockCalibration calibrated = calibrate_clock();
  const RegionInfo after = header_of(*region);
  EXPECT_EQ(after.clock, calibrated.kind);
  EXPECT_EQ(after.ticks_per_ns, calibrated.ticks_per_ns);
  EXPECT_EQ(region->clock().kind, calibrated.kind);

  const int64_t start = clrprobe_hit_enter(*slot);
  sleep_ms(20);
  clrprobe_hit_leave(*slot, start);
  auto reader = StatsReader::view(region->bytes());
  ASSERT_TRUE(reader.ok());
  auto s = reader->snapshot(*slot);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->calls, 1u);
  EXPECT_GE(s->max_ns, 15e6);
  EXPECT_LE(s->max_ns, 200e6);
  ::unsetenv("CLRPROBE_CLOCK_CALIBRATION_MS");
}

// The calibration is process-wide and other tests start it: this one runs in a fresh
// process of its own (a "threadsafe" death test re-runs the binary for it).
TEST(BackgroundClock, ForcedMonotonicStartsNoCalibration) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ::setenv("CLRPROBE_CLOCK", "monotonic", 1);
        InstalledRegion region(4, ClockChoice::Background);
        auto slot = region->allocate_slot("A::M()", "a.dll");
        const bool monotonic = slot.ok() && header_of(*region).clock == ClockKind::Monotonic &&
                               region->clock().kind == ClockKind::Monotonic;
        std::_Exit(monotonic && !clock_calibration_finished() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace clrprobe::stats
