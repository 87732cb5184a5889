// The return fast path's latency run (region_layout.h, HotCounters::latency_run):
// returns of one bucket are held in the run, moved into the histogram block
// when the bucket changes or the run is full, and readers count each return
// exactly once either way.
#include <gtest/gtest.h>
#include <x86intrin.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "stats/hit_path.h"
#include "stats/region_layout.h"
#include "stats/stats_reader.h"
#include "stats/stripe.h"
#include "test_support.h"

namespace clrprobe::stats {
namespace {

using testing::InstalledRegion;
using testing::snap;

// What the region holds for `slot` on this thread's stripe: the run word and
// the block's count of one bucket.
struct RawLatencies {
  uint32_t run = 0;
  uint64_t block_bucket = 0;
};

RawLatencies raw_latencies(const StatsRegion& region, int32_t slot, uint32_t bucket) {
  auto reader = StatsReader::view(region.bytes());
  EXPECT_TRUE(reader.ok());
  if (!reader.ok()) return {};
  const RegionInfo& info = reader->info();
  const RegionGeometry g = region_geometry(info.slot_capacity, info.stripe_count, info.histogram_blocks);
  const std::byte* base = region.bytes().data();
  const uint32_t stripe = current_stripe();
  const auto& c = reinterpret_cast<const HotCounters*>(base + g.hot_offset + stripe * g.hot_stripe_stride)[slot];
  RawLatencies raw;
  raw.run = __atomic_load_n(&c.latency_run, __ATOMIC_RELAXED);
  if (c.histogram != 0 && c.histogram != kNoHistogram) {
    raw.block_bucket =
        reinterpret_cast<const HistogramBlock*>(base + g.histograms_offset)[c.histogram - 1].buckets[bucket];
  }
  return raw;
}

// The run word and block of `slot` on this thread's stripe, writable: to
// stop a "writer" mid-move by hand.
struct RawRunAccess {
  uint32_t* run = nullptr;
  uint64_t* buckets = nullptr;
};

RawRunAccess raw_run_access(const StatsRegion& region, int32_t slot) {
  auto reader = StatsReader::view(region.bytes());
  if (!reader.ok()) return {};
  const RegionInfo& info = reader->info();
  const RegionGeometry g = region_geometry(info.slot_capacity, info.stripe_count, info.histogram_blocks);
  auto* base = const_cast<std::byte*>(region.bytes().data());  // the test's own anonymous region
  auto& c = reinterpret_cast<HotCounters*>(base + g.hot_offset + current_stripe() * g.hot_stripe_stride)[slot];
  return {&c.latency_run, reinterpret_cast<HistogramBlock*>(base + g.histograms_offset)[c.histogram - 1].buckets};
}

// One call whose latency is `ticks` (plus the few ticks the call itself
// takes): the start handed to leave is that far in the past.
void call_lasting(int32_t slot, uint64_t ticks) {
  ASSERT_NE(clrprobe_hit_enter(slot), 0);
  clrprobe_hit_leave(slot, static_cast<int64_t>(__rdtsc() - ticks));
}

// Latencies in the middle of wide buckets ([1.5, 1.625) x 2^37 and x 2^40
// ticks, seconds wide), so the call's own time, even with a preemption,
// cannot move them to another bucket.
constexpr uint64_t kShort = (uint64_t{3} << 36) + (uint64_t{1} << 33);
constexpr uint64_t kLong = (uint64_t{3} << 39) + (uint64_t{1} << 36);

class LatencyRun : public ::testing::Test {
 protected:
  void SetUp() override {
    if (region_->clock().kind != ClockKind::Tsc) GTEST_SKIP() << "no invariant TSC: the latency run is the TSC path's";
    auto slot = region_->allocate_slot("A::M()", "a.dll");
    ASSERT_TRUE(slot.ok());
    slot_ = *slot;
    // The thread's first call opens its stripe and takes a histogram block
    // (slow paths, which record into the block): done here, in kLong's bucket.
    call_lasting(slot_, kLong);
  }
  InstalledRegion region_;
  int32_t slot_ = 0;
};

TEST_F(LatencyRun, ReturnsInOneBucketStayInTheRunAndAreCountedByReaders) {
  for (int i = 0; i < 1000; ++i) call_lasting(slot_, kShort);
  const uint32_t bucket = bucket_index(kShort);
  const RawLatencies raw = raw_latencies(*region_, slot_, bucket);
  // The first return starts the run: all 1,000 are in it, none in the block.
  EXPECT_EQ(run_bucket(raw.run), bucket);
  EXPECT_EQ(run_count(raw.run), 1000u);
  EXPECT_EQ(raw.block_bucket, 0u);
  const SlotSnapshot s = snap(*region_, slot_);
  EXPECT_EQ(s.calls, 1001u);
  EXPECT_EQ(s.completed, 1001u);
  EXPECT_EQ(s.histogram.counts()[bucket], 1000u);
}

TEST_F(LatencyRun, AnotherBucketMovesTheRunIntoTheBlockAndStartsANewOne) {
  for (int i = 0; i < 300; ++i) call_lasting(slot_, kShort);
  for (int i = 0; i < 200; ++i) call_lasting(slot_, kLong);
  const RawLatencies raw = raw_latencies(*region_, slot_, bucket_index(kShort));
  EXPECT_EQ(raw.block_bucket, 300u);
  EXPECT_EQ(run_bucket(raw.run), bucket_index(kLong));
  EXPECT_EQ(run_count(raw.run), 200u);
  const SlotSnapshot s = snap(*region_, slot_);
  EXPECT_EQ(s.completed, 501u);
  EXPECT_EQ(s.histogram.counts()[bucket_index(kShort)], 300u);
  EXPECT_EQ(s.histogram.counts()[bucket_index(kLong)], 201u);  // with SetUp's call
  // The percentiles see both: 300 of the 501 calls are short.
  const auto p = StatsReader::percentiles_ns(s, {50, 90});
  EXPECT_LT(p[0] * s.ticks_per_ns, 2.0 * (uint64_t{1} << 37));
  EXPECT_GT(p[1] * s.ticks_per_ns, 1.0 * (uint64_t{1} << 40));
}

TEST_F(LatencyRun, AFullRunMovesIntoTheBlockAndCountingGoesOn) {
  const uint64_t calls = uint64_t{kRunCountMax} + 10;
  for (uint64_t i = 0; i < calls; ++i) call_lasting(slot_, kShort);
  const uint32_t bucket = bucket_index(kShort);
  const RawLatencies raw = raw_latencies(*region_, slot_, bucket);
  EXPECT_EQ(raw.block_bucket, kRunCountMax);
  EXPECT_EQ(run_count(raw.run), 10u);
  const SlotSnapshot s = snap(*region_, slot_);
  EXPECT_EQ(s.completed, calls + 1);
  EXPECT_EQ(s.histogram.counts()[bucket], calls);
}

TEST_F(LatencyRun, AReaderWaitsForAMoveStoppedHalfwayAndCountsItsRunOnce) {
  for (int i = 0; i < 1000; ++i) call_lasting(slot_, kShort);
  const uint32_t bucket = bucket_index(kShort);
  RawRunAccess raw = raw_run_access(*region_, slot_);
  ASSERT_NE(raw.run, nullptr);
  const uint32_t run = __atomic_load_n(raw.run, __ATOMIC_RELAXED);
  ASSERT_EQ(run_count(run), 1000u);
  // A writer stopped after marking its run as moving, before its block add:
  // it finishes 5 ms later, on another thread, while the reader waits.
  __atomic_store_n(raw.run, run | kRunMovingBit, __ATOMIC_RELEASE);
  std::thread finisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    __atomic_store_n(&raw.buckets[bucket], raw.buckets[bucket] + 1000, __ATOMIC_RELEASE);
    __atomic_store_n(raw.run, run_tag(bucket_index(kLong)) | 1, __ATOMIC_RELEASE);
  });
  const SlotSnapshot during = snap(*region_, slot_);
  finisher.join();
  // The thousand returns once, and the "new run"'s one return (made up by
  // hand: 1,002 completed against 1,001 calls).
  EXPECT_EQ(during.histogram.counts()[bucket], 1000u);
  EXPECT_EQ(during.completed, 1002u);
}

TEST_F(LatencyRun, ARunLeftMovingByAWriterThatNeverFinishesIsCountedOnce) {
  for (int i = 0; i < 1000; ++i) call_lasting(slot_, kShort);
  RawRunAccess raw = raw_run_access(*region_, slot_);
  ASSERT_NE(raw.run, nullptr);
  // Marked as moving, its block add never made: the reader stops waiting
  // (20 ms) and counts the run from its mark.
  __atomic_store_n(raw.run, __atomic_load_n(raw.run, __ATOMIC_RELAXED) | kRunMovingBit, __ATOMIC_RELEASE);
  const SlotSnapshot s = snap(*region_, slot_);
  EXPECT_EQ(s.completed, 1001u);
  EXPECT_EQ(s.histogram.counts()[bucket_index(kShort)], 1000u);
}

TEST_F(LatencyRun, AReaderNeverSeesAReturnTwiceOrLosesOneWhileRunsMove) {
  // A writer whose runs move all the time (runs of 1 to 5,000 returns,
  // alternating buckets) while a reader takes snapshots. The writer publishes
  // how many calls it started and finished: a snapshot must hold at least the
  // returns finished before it and at most the calls started by its end.
  std::atomic<uint64_t> started{0};
  std::atomic<uint64_t> finished{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    const int lengths[] = {1, 2, 1000, 1, 5000, 2};
    for (uint64_t round = 0; !stop.load(std::memory_order_relaxed) && round < 200'000; ++round) {
      for (int i = 0; i < lengths[round % 6]; ++i) {
        started.fetch_add(1, std::memory_order_seq_cst);
        call_lasting(slot_, round % 2 == 0 ? kShort : kLong);
        finished.fetch_add(1, std::memory_order_release);
      }
    }
  });
  int snapshots = 0;
  std::string failure;
  for (; snapshots < 2000 && failure.empty(); ++snapshots) {
    const uint64_t before = finished.load(std::memory_order_acquire);
    const SlotSnapshot s = snap(*region_, slot_);
    const uint64_t after = started.load(std::memory_order_seq_cst);
    // + 1: SetUp's call.
    if (s.completed < before + 1 || s.completed > after + 1) {
      failure = "snapshot " + std::to_string(snapshots) + ": completed " + std::to_string(s.completed) +
                ", returns finished before it " + std::to_string(before) + ", calls started by its end " +
                std::to_string(after);
    }
  }
  stop = true;
  writer.join();
  EXPECT_EQ(failure, "");
  const SlotSnapshot s = snap(*region_, slot_);
  EXPECT_EQ(s.calls, finished.load() + 1);
  EXPECT_EQ(s.completed, finished.load() + 1);
}

}  // namespace
}  // namespace clrprobe::stats
