#include "stats/stats_region.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>

#include "stats/hit_path.h"
#include "stats/stats_reader.h"
#include "test_support.h"

namespace clrprobe::stats {
namespace {

using testing::TempDir;

TEST(StatsRegion, FileRegionHeaderDescribesTheWriter) {
  TempDir dir;
  const std::string path = dir.file("stats.bin");
  auto region = StatsRegion::create(path, 128);
  ASSERT_TRUE(region.ok()) << region.error().describe();
  EXPECT_EQ((*region)->path(), path);
  EXPECT_EQ((*region)->capacity(), 128u);

  auto reader = StatsReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.error().describe();
  const RegionInfo& info = reader->info();
  EXPECT_EQ(info.pid, ::getpid());
  EXPECT_EQ(info.slot_capacity, 128u);
  EXPECT_EQ(info.stripe_count, kStripeCount);
  EXPECT_EQ(info.clock, (*region)->clock().kind);
  EXPECT_EQ(info.ticks_per_ns, (*region)->clock().ticks_per_ns);
  EXPECT_EQ(info.total_size, region_geometry(128, kStripeCount, default_histogram_blocks(128)).total_size);
  EXPECT_GT(info.creation_unix_ns, info.process_start_unix_ns);
  EXPECT_NE(info.process_start_jiffies, 0u);
  EXPECT_TRUE(reader->writer_alive());
  EXPECT_EQ(reader->slots_used(), 0u);

  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), info.total_size);
  // No temporary file is left behind.
  EXPECT_NE(::access((path + ".tmp." + std::to_string(::getpid())).c_str(), F_OK), 0);
}

TEST(StatsRegion, DefaultRegionIsSparse) {
  TempDir dir;
  const std::string path = dir.file("big.bin");
  auto region = StatsRegion::create(path);
  ASSERT_TRUE(region.ok()) << region.error().describe();
  ASSERT_TRUE((*region)->allocate_slot("A::M()", "a.dll").ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_GE(static_cast<uint64_t>(st.st_size), 256ull << 20);
  // Header page + one slot's metadata page + one slot's counters (64 KiB).
  EXPECT_LT(static_cast<uint64_t>(st.st_blocks) * 512, 1ull << 20);
}

TEST(StatsRegion, SlotsCarryNamesAndStates) {
  auto region = StatsRegion::create_anonymous(16);
  ASSERT_TRUE(region.ok());
  StatsRegion& r = **region;
  auto a = r.allocate_slot("Shop.Orders.Store::GetById(int32)", "Shop.dll");
  auto b = r.allocate_slot("Shop.Cart::Add(string,int32)", "Shop.dll");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, 0);
  EXPECT_EQ(*b, 1);

  auto reader = StatsReader::view(r.bytes());
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->slots_used(), 2u);
  auto info = reader->slot_info(*a);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->name, "Shop.Orders.Store::GetById(int32)");
  EXPECT_EQ(info->module, "Shop.dll");
  EXPECT_EQ(info->state, SlotState::Active);
  const uint32_t gen = info->generation;
  EXPECT_EQ(gen % 2, 0u);

  ASSERT_TRUE(r.retire_slot(*a).ok());
  EXPECT_TRUE(r.retire_slot(*a).ok());  // idempotent
  info = reader->slot_info(*a);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->state, SlotState::Retired);
  EXPECT_GT(info->generation, gen);

  ASSERT_TRUE(r.reactivate_slot(*a).ok());
  EXPECT_EQ(reader->slot_info(*a)->state, SlotState::Active);
  EXPECT_TRUE(r.reactivate_slot(*b).ok());

  auto free_slot = reader->slot_info(5);
  ASSERT_TRUE(free_slot.ok());
  EXPECT_EQ(free_slot->state, SlotState::Free);
  EXPECT_TRUE(free_slot->name.empty());
  auto free_snap = reader->snapshot(5);
  ASSERT_TRUE(free_snap.ok());
  EXPECT_EQ(free_snap->calls, 0u);

  EXPECT_EQ(reader->slot_info(16).error().reason, Reason::NotFound);
  EXPECT_EQ(reader->snapshot(-1).error().reason, Reason::NotFound);
  EXPECT_EQ(r.retire_slot(2).error().reason, Reason::NotFound);
  EXPECT_EQ(r.retire_slot(-3).error().reason, Reason::NotFound);
}

TEST(StatsRegion, LongNamesAreTruncatedOnACharacterBoundary) {
  auto region = StatsRegion::create_anonymous(4);
  ASSERT_TRUE(region.ok());
  std::string name = "N::M(";
  while (name.size() < 1000) name += "é";  // two bytes each
  auto slot = (*region)->allocate_slot(name, std::string(500, 'm'));
  ASSERT_TRUE(slot.ok());
  auto reader = StatsReader::view((*region)->bytes());
  ASSERT_TRUE(reader.ok());
  auto info = reader->slot_info(*slot);
  ASSERT_TRUE(info.ok());
  EXPECT_LT(info->name.size(), kSlotNameBytes);
  EXPECT_EQ(name.compare(0, info->name.size(), info->name), 0);
  EXPECT_EQ((info->name.size() - 5) % 2, 0u) << "split a UTF-8 sequence";
  EXPECT_EQ(info->module, std::string(kSlotModuleBytes - 1, 'm'));
}

TEST(StatsRegion, CapacityIsEnforced) {
  auto region = StatsRegion::create_anonymous(2);
  ASSERT_TRUE(region.ok());
  EXPECT_TRUE((*region)->allocate_slot("a", "m").ok());
  EXPECT_TRUE((*region)->allocate_slot("b", "m").ok());
  auto third = (*region)->allocate_slot("c", "m");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().reason, Reason::Unsupported);

  EXPECT_FALSE(StatsRegion::create_anonymous(0).ok());
  EXPECT_FALSE(StatsRegion::create_anonymous(kMaxSlotCapacity + 1).ok());
}

TEST(StatsRegion, CreateReportsIoErrors) {
  auto r = StatsRegion::create("/nonexistent-dir-for-clrprobe/x/stats.bin", 4);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::Io);
  EXPECT_FALSE(StatsRegion::create("", 4).ok());
}

TEST(StatsRegion, InstallAndDestroyWithdrawTheHitTarget) {
  auto region = StatsRegion::create_anonymous(4);
  ASSERT_TRUE(region.ok());
  StatsRegion::install_global(region->get());
  EXPECT_EQ(StatsRegion::global(), region->get());
  EXPECT_NE(hit_target(), nullptr);
  region->reset();
  EXPECT_EQ(StatsRegion::global(), nullptr);
  EXPECT_EQ(hit_target(), nullptr);
  EXPECT_EQ(clrprobe_hit_enter(0), 0);
}

TEST(StatsRegion, RecreatingReplacesAnOldFile) {
  TempDir dir;
  const std::string path = dir.file("stats.bin");
  {
    auto first = StatsRegion::create(path, 8);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE((*first)->allocate_slot("old", "m").ok());
  }
  auto second = StatsRegion::create(path, 4);
  ASSERT_TRUE(second.ok());
  auto reader = StatsReader::open(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->info().slot_capacity, 4u);
  EXPECT_EQ(reader->slots_used(), 0u);
}

// The child creates and writes the region; the parent reads it while the
// child lives and again after it exited.
TEST(StatsRegion, ForkedWriterIsReadByAnotherProcessBeforeAndAfterExit) {
  TempDir dir;
  const std::string path = dir.file("child.bin");
  int ready_pipe[2], done_pipe[2];
  ASSERT_EQ(::pipe(ready_pipe), 0);
  ASSERT_EQ(::pipe(done_pipe), 0);

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready_pipe[0]);
    ::close(done_pipe[1]);
    auto region = StatsRegion::create(path, 32);
    if (!region.ok()) ::_exit(10);
    StatsRegion::install_global(region->get());
    auto a = (*region)->allocate_slot("Child.Work::Run()", "Child.dll");
    auto b = (*region)->allocate_slot("Child.Work::Fail(int32)", "Child.dll");
    if (!a.ok() || !b.ok() || *a != 0 || *b != 1) ::_exit(11);
    std::thread worker([&] {
      for (int i = 0; i < 30'000; ++i) clrprobe_hit_leave(0, clrprobe_hit_enter(0));
    });
    for (int i = 0; i < 20'000; ++i) clrprobe_hit_leave(0, clrprobe_hit_enter(0));
    for (int i = 0; i < 500; ++i) {
      const int64_t start = clrprobe_hit_enter(1);
      if (i % 5 == 0)
        clrprobe_hit_exception(1, start);
      else
        clrprobe_hit_leave(1, start);
    }
    worker.join();
    if (!(*region)->retire_slot(1).ok()) ::_exit(12);
    char c = 'r';
    if (::write(ready_pipe[1], &c, 1) != 1) ::_exit(13);
    if (::read(done_pipe[0], &c, 1) != 1) ::_exit(14);
    ::_exit(0);  // no cleanup: the file must survive as is
  }
  ::close(ready_pipe[1]);
  ::close(done_pipe[0]);
  char c = 0;
  ASSERT_EQ(::read(ready_pipe[0], &c, 1), 1) << "child failed before writing";

  auto check = [&](const StatsReader& reader) {
    EXPECT_EQ(reader.info().pid, child);
    EXPECT_EQ(reader.slots_used(), 2u);
    auto a = reader.snapshot(0);
    ASSERT_TRUE(a.ok()) << a.error().describe();
    EXPECT_EQ(a->info.name, "Child.Work::Run()");
    EXPECT_EQ(a->info.module, "Child.dll");
    EXPECT_EQ(a->info.state, SlotState::Active);
    EXPECT_EQ(a->calls, 50'000u);
    EXPECT_EQ(a->completed, 50'000u);
    EXPECT_EQ(a->exceptions, 0u);
    auto b = reader.snapshot(1);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->info.name, "Child.Work::Fail(int32)");
    EXPECT_EQ(b->info.state, SlotState::Retired);
    EXPECT_EQ(b->calls, 500u);
    EXPECT_EQ(b->exceptions, 100u);
    EXPECT_EQ(b->completed, 500u);
    const auto p = StatsReader::percentiles_ns(*a, {50, 90, 99});
    ASSERT_EQ(p.size(), 3u);
    EXPECT_GT(p[0], 0.0);
    EXPECT_LE(p[0], p[1]);
    EXPECT_LE(p[1], p[2]);
    EXPECT_LE(p[2], a->max_ns);
  };

  auto live = StatsReader::open(path);
  ASSERT_TRUE(live.ok()) << live.error().describe();
  check(*live);
  EXPECT_TRUE(live->writer_alive());

  ASSERT_EQ(::write(done_pipe[1], &c, 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ::close(ready_pipe[0]);
  ::close(done_pipe[1]);

  check(*live);  // the existing mapping still reads the same figures
  EXPECT_FALSE(live->writer_alive());
  auto after = StatsReader::open(path);
  ASSERT_TRUE(after.ok()) << after.error().describe();
  check(*after);
  EXPECT_FALSE(after->writer_alive());
}

}  // namespace
}  // namespace clrprobe::stats
