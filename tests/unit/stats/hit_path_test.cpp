#include "stats/hit_path.h"

#include <gtest/gtest.h>
#include <time.h>

#include <atomic>
#include <thread>
#include <vector>

#include "stats/stats_reader.h"
#include "stats/stripe.h"
#include "test_support.h"

namespace clrprobe::stats {
namespace {

using testing::InstalledRegion;
using testing::snap;

void hit_path_sleep_ms(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000};
  while (::nanosleep(&ts, &ts) != 0) {
  }
}

TEST(HitPath, NoRegionIsANoOp) {
  StatsRegion::install_global(nullptr);
  EXPECT_EQ(clrprobe_hit_enter(0), 0);
  clrprobe_hit_leave(0, 12345);
  clrprobe_hit_exception(0, 12345);
  EXPECT_EQ(hit_target(), nullptr);
}

TEST(HitPath, OutOfRangeAndUnallocatedSlotsAreNoOps) {
  InstalledRegion region(8);
  auto slot = region->allocate_slot("A::M()", "a.dll");
  ASSERT_TRUE(slot.ok());
  ASSERT_EQ(*slot, 0);
  for (int32_t bad : {-1, 1, 7, 8, 1 << 30, INT32_MIN, INT32_MAX}) {
    EXPECT_EQ(clrprobe_hit_enter(bad), 0) << bad;
    clrprobe_hit_leave(bad, 1);
    clrprobe_hit_exception(bad, 1);
  }
  const SlotSnapshot s = snap(*region, 0);
  EXPECT_EQ(s.calls, 0u);
  EXPECT_EQ(s.completed, 0u);
}

TEST(HitPath, CountsOneCallAndItsLatency) {
  InstalledRegion region;
  auto slot = region->allocate_slot("A::M()", "a.dll");
  ASSERT_TRUE(slot.ok());
  const int64_t start = clrprobe_hit_enter(*slot);
  EXPECT_NE(start, 0);
  clrprobe_hit_leave(*slot, start);
  const SlotSnapshot s = snap(*region, *slot);
  EXPECT_EQ(s.calls, 1u);
  EXPECT_EQ(s.exceptions, 0u);
  EXPECT_EQ(s.completed, 1u);
  EXPECT_LT(s.max_ns, 1e6);  // well under a millisecond
}

TEST(HitPath, CountOnlyEntryCountsCallsWithoutLatency) {
  InstalledRegion region;
  auto slot = region->allocate_slot("A::Loop()", "a.dll");
  ASSERT_TRUE(slot.ok());
  for (int i = 0; i < 7; ++i) clrprobe_hit_count(*slot);
  const SlotSnapshot s = snap(*region, *slot);
  EXPECT_EQ(s.calls, 7u);
  EXPECT_EQ(s.completed, 0u);
  EXPECT_EQ(s.max_ticks, 0u);
  EXPECT_EQ(s.exceptions, 0u);
}

TEST(HitPath, CountOnlyEntryIgnoresUnknownSlotsAndAMissingRegion) {
  {
    InstalledRegion region(4);
    auto slot = region->allocate_slot("A::M()", "a.dll");
    ASSERT_TRUE(slot.ok());
    for (int32_t bad : {-1, 1, 3, 4, INT32_MIN, INT32_MAX}) clrprobe_hit_count(bad);
    EXPECT_EQ(snap(*region, *slot).calls, 0u);
  }
  StatsRegion::install_global(nullptr);
  clrprobe_hit_count(0);  // must not crash
  EXPECT_EQ(hit_target(), nullptr);
}

TEST(HitPath, ZeroStartIsIgnored) {
  // enter returns 0 when it did not count (no region yet): the matching
  // leave/exception must not record a latency measured from time zero.
  InstalledRegion region;
  auto slot = region->allocate_slot("A::M()", "a.dll");
  ASSERT_TRUE(slot.ok());
  clrprobe_hit_leave(*slot, 0);
  clrprobe_hit_exception(*slot, 0);
  const SlotSnapshot s = snap(*region, *slot);
  EXPECT_EQ(s.completed, 0u);
  EXPECT_EQ(s.exceptions, 0u);
  EXPECT_EQ(s.max_ticks, 0u);
}

TEST(HitPath, ExceptionCountsAndRecordsLatency) {
  InstalledRegion region;
  auto slot = region->allocate_slot("A::Throws()", "a.dll");
  ASSERT_TRUE(slot.ok());
  for (int i = 0; i < 10; ++i) {
    const int64_t start = clrprobe_hit_enter(*slot);
    if (i % 3 == 0)
      clrprobe_hit_exception(*slot, start);
    else
      clrprobe_hit_leave(*slot, start);
  }
  const SlotSnapshot s = snap(*region, *slot);
  EXPECT_EQ(s.calls, 10u);
  EXPECT_EQ(s.exceptions, 4u);
  EXPECT_EQ(s.completed, 10u);
}

TEST(HitPath, FinishedTasksCountByOutcomeAndUnfinishedOnesAreInFlight) {
  InstalledRegion region;
  auto slot = region->allocate_slot("A::RunAsync()", "a.dll");
  ASSERT_TRUE(slot.ok());
  std::vector<int64_t> starts;
  for (int i = 0; i < 10; ++i) starts.push_back(clrprobe_hit_enter(*slot));
  EXPECT_EQ(snap(*region, *slot).in_flight(), 10u);  // every task pending
  clrprobe_hit_complete(*slot, starts[0], /*succeeded=*/1, /*cancelled=*/0);
  clrprobe_hit_complete(*slot, starts[1], 1, 1);  // succeeded wins over cancelled
  clrprobe_hit_complete(*slot, starts[2], 0, 1);
  clrprobe_hit_complete(*slot, starts[3], 0, 1);
  clrprobe_hit_complete(*slot, starts[4], 0, 0);  // faulted
  clrprobe_hit_complete(*slot, 0, 0, 1);          // not counted at entry: ignored
  const SlotSnapshot s = snap(*region, *slot);
  EXPECT_EQ(s.calls, 10u);
  EXPECT_EQ(s.cancelled, 2u);
  EXPECT_EQ(s.exceptions, 1u);  // only the faulted task
  EXPECT_EQ(s.completed, 5u);   // every outcome has a latency
  EXPECT_EQ(s.in_flight(), 5u);
}

void hammer(int32_t slot, int calls, std::atomic<int>& ready, int threads) {
  ready.fetch_add(1);
  while (ready.load() < threads) {
  }
  for (int i = 0; i < calls; ++i) {
    const int64_t start = clrprobe_hit_enter(slot);
    if (i % 10 == 9)
      clrprobe_hit_exception(slot, start);
    else
      clrprobe_hit_leave(slot, start);
  }
}

void expect_exact_counts(int threads, int calls_per_thread) {
  InstalledRegion region;
  auto a = region->allocate_slot("A::Hot()", "a.dll");
  auto b = region->allocate_slot("B::Hot()", "b.dll");
  ASSERT_TRUE(a.ok() && b.ok());
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back(hammer, (t % 2 == 0) ? *a : *b, calls_per_thread, std::ref(ready), threads);
  for (auto& t : pool) t.join();

  const uint64_t per_slot_threads_a = static_cast<uint64_t>((threads + 1) / 2);
  const uint64_t per_slot_threads_b = static_cast<uint64_t>(threads / 2);
  const SlotSnapshot sa = snap(*region, *a);
  const SlotSnapshot sb = snap(*region, *b);
  const uint64_t n = static_cast<uint64_t>(calls_per_thread);
  EXPECT_EQ(sa.calls, per_slot_threads_a * n);
  EXPECT_EQ(sa.completed, per_slot_threads_a * n);
  EXPECT_EQ(sa.exceptions, per_slot_threads_a * (n / 10));
  EXPECT_EQ(sb.calls, per_slot_threads_b * n);
  EXPECT_EQ(sb.completed, per_slot_threads_b * n);
  EXPECT_EQ(sb.exceptions, per_slot_threads_b * (n / 10));
}

TEST(HitPath, ExactCountsFourThreadsOneSlot) {
  InstalledRegion region;
  auto slot = region->allocate_slot("A::Hot()", "a.dll");
  ASSERT_TRUE(slot.ok());
  constexpr int kThreads = 4;
  constexpr int kCalls = 1'000'000;
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t)
    pool.emplace_back(hammer, *slot, kCalls, std::ref(ready), kThreads);
  for (auto& t : pool) t.join();
  const SlotSnapshot s = snap(*region, *slot);
  EXPECT_EQ(s.calls, uint64_t{kThreads} * kCalls);
  EXPECT_EQ(s.completed, uint64_t{kThreads} * kCalls);
  EXPECT_EQ(s.exceptions, uint64_t{kThreads} * kCalls / 10);
  EXPECT_GT(s.max_ticks, 0u);
}

TEST(HitPath, ExactCountsFourThreadsTwoSlots) { expect_exact_counts(4, 1'000'000); }

TEST(HitPath, ExactCountsWithMoreThreadsThanStripes) {
  // Threads beyond the leasable stripes share the last one with atomic RMW.
  expect_exact_counts(static_cast<int>(kStripeCount) + 8, 50'000);
}

// The count and sampled entries take their fast path once a thread has its
// stripe open for the slot, and their slow path on its first call: both count
// every call, on leased stripes and on the shared one alike.
TEST(HitPath, CountAndSampledEntriesCountExactlyFromMoreThreadsThanStripes) {
  InstalledRegion region;
  auto counted = region->allocate_slot("A::Count()", "a.dll");
  auto sampled = region->allocate_slot("B::Sampled()", "b.dll");
  ASSERT_TRUE(counted.ok() && sampled.ok());
  set_sample_rate(*sampled, 8);
  const int threads = static_cast<int>(kStripeCount) + 8;
  constexpr int kCalls = 40'000;
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      ready.fetch_add(1);
      while (ready.load() < threads) {
      }
      for (int i = 0; i < kCalls; ++i) {
        clrprobe_hit_count(*counted);
        const int64_t start = clrprobe_hit_enter_sampled(*sampled);
        if (i % 10 == 9)
          clrprobe_hit_exception(*sampled, start);
        else
          clrprobe_hit_leave(*sampled, start);
      }
    });
  }
  for (auto& t : pool) t.join();
  const uint64_t total = uint64_t{static_cast<uint32_t>(threads)} * kCalls;
  const SlotSnapshot c = snap(*region, *counted);
  EXPECT_EQ(c.calls, total);
  EXPECT_EQ(c.completed, 0u);
  const SlotSnapshot s = snap(*region, *sampled);
  EXPECT_EQ(s.calls, total);
  EXPECT_EQ(s.exceptions, total / 10);
  // One call in 8 per thread is timed: every thread's countdown runs to the end.
  EXPECT_EQ(s.completed, total / 8);
}

TEST(HitPath, ExitedThreadsReturnTheirStripes) {
  InstalledRegion region;
  auto slot = region->allocate_slot("A::M()", "a.dll");
  ASSERT_TRUE(slot.ok());
  const uint32_t before = stripe_leases_in_use();
  for (int i = 0; i < 100; ++i) {  // more short-lived threads than stripes
    uint32_t got = UINT32_MAX;
    std::thread([&] {
      clrprobe_hit_leave(*slot, clrprobe_hit_enter(*slot));
      got = current_stripe();
    }).join();
    EXPECT_NE(got, kSharedStripe) << "thread " << i << " found no free stripe";
  }
  EXPECT_EQ(stripe_leases_in_use(), before);
  EXPECT_EQ(snap(*region, *slot).calls, 100u);
}

TEST(HitPath, RetiredSlotKeepsCountingCallsInFlight) {
  InstalledRegion region;
  auto slot = region->allocate_slot("A::M()", "a.dll");
  ASSERT_TRUE(slot.ok());
  const int64_t start = clrprobe_hit_enter(*slot);
  ASSERT_TRUE(region->retire_slot(*slot).ok());
  clrprobe_hit_leave(*slot, start);
  const SlotSnapshot s = snap(*region, *slot);
  EXPECT_EQ(s.info.state, SlotState::Retired);
  EXPECT_EQ(s.calls, 1u);
  EXPECT_EQ(s.completed, 1u);
}

void expect_sleep_measured(ClockChoice clock) {
  InstalledRegion region(4, clock);
  auto slot = region->allocate_slot("A::Sleep()", "a.dll");
  ASSERT_TRUE(slot.ok());
  const int64_t start = clrprobe_hit_enter(*slot);
  hit_path_sleep_ms(10);
  clrprobe_hit_leave(*slot, start);
  const SlotSnapshot s = snap(*region, *slot);
  EXPECT_GE(s.max_ns, 5e6);
  EXPECT_LE(s.max_ns, 50e6);
  const auto p = StatsReader::percentiles_ns(s, {50, 100});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_GE(p[0], 5e6 * (1 - 1.0 / 16));
  EXPECT_LE(p[0], 50e6);
  EXPECT_DOUBLE_EQ(p[1], s.max_ns);
}

TEST(HitPath, TenMillisecondSleepIsMeasuredAsSuch) { expect_sleep_measured(ClockChoice::Auto); }

TEST(HitPath, TenMillisecondSleepWithMonotonicClock) {
  expect_sleep_measured(ClockChoice::ForceMonotonic);
}

}  // namespace
}  // namespace clrprobe::stats
