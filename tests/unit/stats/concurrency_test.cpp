// Readers running while the writer counts and edits metadata.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "stats/hit_path.h"
#include "stats/stats_reader.h"
#include "test_support.h"

namespace clrprobe::stats {
namespace {

using testing::InstalledRegion;

TEST(Concurrency, LiveReaderSeesMonotonicCountsAndWholeNames) {
  InstalledRegion region(8);
  const std::string name = "Live.Type::Method(int32,string)";
  auto slot = region->allocate_slot(name, "live.dll");
  ASSERT_TRUE(slot.ok());
  constexpr int kCalls = 200'000;
  std::atomic<int> running{2};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCalls; ++i) clrprobe_hit_leave(*slot, clrprobe_hit_enter(*slot));
      running.fetch_sub(1);
    });
  }
  threads.emplace_back([&] {  // metadata churn: retire / reactivate
    while (running.load() > 0) {
      EXPECT_TRUE(region->retire_slot(*slot).ok());
      EXPECT_TRUE(region->reactivate_slot(*slot).ok());
    }
  });

  auto reader = StatsReader::view(region->bytes());
  ASSERT_TRUE(reader.ok());
  uint64_t last_calls = 0, last_completed = 0;
  int reads = 0;
  while (running.load() > 0) {
    auto s = reader->snapshot(*slot);
    ASSERT_TRUE(s.ok()) << s.error().describe();
    ASSERT_EQ(s->info.name, name);
    ASSERT_EQ(s->info.module, "live.dll");
    ASSERT_TRUE(s->info.state == SlotState::Active || s->info.state == SlotState::Retired);
    ASSERT_GE(s->calls, last_calls);
    ASSERT_GE(s->completed, last_completed);
    last_calls = s->calls;
    last_completed = s->completed;
    ++reads;
  }
  for (auto& t : threads) t.join();
  auto s = reader->snapshot(*slot);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->calls, 2u * kCalls);
  EXPECT_EQ(s->completed, 2u * kCalls);
  EXPECT_EQ(s->info.state, SlotState::Active);
  EXPECT_GT(reads, 0);
}

TEST(Concurrency, SlotsAllocatedFromManyThreadsAreDistinct) {
  InstalledRegion region(256);
  std::vector<std::vector<int32_t>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto s = region->allocate_slot("T" + std::to_string(t) + "::M" + std::to_string(i), "m");
        if (s.ok()) got[t].push_back(*s);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<int32_t> all;
  for (const auto& v : got) {
    EXPECT_EQ(v.size(), 50u);
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), 200u);
  EXPECT_EQ(*all.begin(), 0);
  EXPECT_EQ(*all.rbegin(), 199);
  EXPECT_EQ(region->slots_used(), 200u);
  auto reader = StatsReader::view(region->bytes());
  ASSERT_TRUE(reader.ok());
  for (int32_t s : all) {
    auto info = reader->slot_info(s);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->name[0], 'T');
  }
}

}  // namespace
}  // namespace clrprobe::stats
