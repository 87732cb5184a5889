// Layout v2 (region_layout.h): untouched slots and stripes cost nothing to
// the writer, to the file, or to a reader; histogram blocks come from a pool
// on first completion, and an exhausted pool still counts every call.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "common/runtime_paths.h"
#include "stats/hit_path.h"
#include "stats/stats_reader.h"
#include "stats/stats_region.h"
#include "test_support.h"

namespace clrprobe::stats {
namespace {

using testing::InstalledRegion;
using testing::TempDir;

// Resident KiB of the mapping starting at `start`, from /proc/self/smaps.
long resident_kib(const void* start) {
  std::ifstream smaps("/proc/self/smaps");
  char want[32];
  std::snprintf(want, sizeof(want), "%lx-", reinterpret_cast<unsigned long>(start));
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    if (line.rfind(want, 0) == 0) {
      inside = true;
    } else if (inside && line.rfind("Rss:", 0) == 0) {
      return std::stol(line.substr(4));
    }
  }
  return -1;
}

// Pages of [start, start + length) mapped in this process, from /proc/self/pagemap.
uint64_t present_pages(const std::byte* start, uint64_t length) {
  std::ifstream pagemap("/proc/self/pagemap", std::ios::binary);
  uint64_t present = 0;
  const auto first = reinterpret_cast<uintptr_t>(start) / kPageSize;
  const auto last = (reinterpret_cast<uintptr_t>(start) + length - 1) / kPageSize;
  for (uintptr_t page = first; page <= last; ++page) {
    uint64_t entry = 0;
    pagemap.seekg(static_cast<std::streamoff>(page * 8));
    pagemap.read(reinterpret_cast<char*>(&entry), 8);
    if (pagemap && (entry >> 63) != 0) ++present;
  }
  return present;
}

uint64_t pages_spanned(uint64_t offset, uint64_t length) {
  if (length == 0) return 0;
  return (offset + length - 1) / kPageSize - offset / kPageSize + 1;
}

void call(int32_t slot, int times) {
  for (int i = 0; i < times; ++i) clrprobe_hit_leave(slot, clrprobe_hit_enter(slot));
}

TEST(SparseLayout, ReadingTenThousandSlotsOfWhichThreeCountedFaultsInOnlyTheirPages) {
  // Where regions live (common/runtime_paths.h). On a disk file system the
  // page cache may use large folios and readahead, which map more per fault.
  if (runtime_base_dir() != "/dev/shm") GTEST_SKIP() << "/dev/shm is not a tmpfs here: regions live on /tmp";
  const std::string saved = std::getenv("TMPDIR") != nullptr ? std::getenv("TMPDIR") : "";
  ::setenv("TMPDIR", "/dev/shm", 1);
  TempDir dir;
  if (saved.empty())
    ::unsetenv("TMPDIR");
  else
    ::setenv("TMPDIR", saved.c_str(), 1);
  const std::string path = dir.file("sparse.stats");
  auto region = StatsRegion::create(path, 16384);
  ASSERT_TRUE(region.ok()) << region.error().describe();
  constexpr int kSlots = 10000;
  for (int i = 0; i < kSlots; ++i)
    ASSERT_TRUE((*region)->allocate_slot("Ns.Type::Method" + std::to_string(i) + "(int32)", "App.dll").ok());
  StatsRegion::install_global(region->get());
  call(17, 3);
  call(5000, 4);
  call(9999, 5);
  StatsRegion::install_global(nullptr);

  auto reader = StatsReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.error().describe();
  uint64_t calls = 0, completed = 0;
  for (int i = 0; i < kSlots; ++i) {
    auto snap = reader->snapshot(i);
    ASSERT_TRUE(snap.ok()) << snap.error().describe();
    ASSERT_EQ(snap->info.name, "Ns.Type::Method" + std::to_string(i) + "(int32)");
    calls += snap->calls;
    completed += snap->completed;
  }
  EXPECT_EQ(calls, 12u);
  EXPECT_EQ(completed, 12u);

  // What the read needs: the header, every slot's metadata, stripe mask and
  // name, and for each of the three counted slots one page of counters and one
  // histogram block (this thread counted them all on one stripe). The kernel
  // maps up to 16 pages around a faulting one when they are already in memory
  // (fault-around), and every slot's counters are reserved (in memory) when it
  // is allocated: so allow one such window per needed counter page. Reading
  // every stripe of every slot would map 16 x 118 pages of counters.
  const auto& h = *reinterpret_cast<const RegionHeader*>(reader->bytes().data());
  const uint64_t needed = 1 + pages_spanned(h.slot_meta_offset, kSlots * sizeof(SlotMeta)) +
                          pages_spanned(h.stripe_masks_offset, kSlots * sizeof(uint32_t)) +
                          pages_spanned(h.strings_offset, h.strings_used) + 3 + 3;
  constexpr uint64_t kFaultAround = 16;
  const uint64_t hot_mapped =
      present_pages(reader->bytes().data() + h.hot_offset, h.stripe_count * h.hot_stripe_stride);
  EXPECT_LE(hot_mapped, 3 * kFaultAround) << "reading mapped counters of stripes or slots that never counted";
  const long rss = resident_kib(reader->bytes().data());
  ASSERT_GE(rss, 0) << "reader mapping not found in /proc/self/smaps";
  EXPECT_LE(static_cast<uint64_t>(rss), (needed + 3 * kFaultAround) * (kPageSize / 1024))
      << "reading faulted in pages of stripes or slots that never counted";
}

TEST(SparseLayout, AnExhaustedHistogramPoolStillCountsEveryCallWithoutLatency) {
  auto made = StatsRegion::create_anonymous(4, ClockChoice::Auto, /*histogram_blocks=*/1);
  ASSERT_TRUE(made.ok()) << made.error().describe();
  StatsRegion& region = **made;
  const int32_t timed = *region.allocate_slot("A::Timed()", "a.dll");
  const int32_t untimed = *region.allocate_slot("A::Untimed()", "a.dll");
  StatsRegion::install_global(&region);
  call(timed, 5);
  call(untimed, 7);
  clrprobe_hit_exception(untimed, clrprobe_hit_enter(untimed));
  StatsRegion::install_global(nullptr);

  auto reader = StatsReader::view(region.bytes());
  ASSERT_TRUE(reader.ok());
  auto a = reader->snapshot(timed);
  auto b = reader->snapshot(untimed);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->calls, 5u);
  EXPECT_EQ(a->histogram.total(), 5u);
  EXPECT_EQ(a->unrecorded, 0u);
  EXPECT_EQ(b->calls, 8u);
  EXPECT_EQ(b->exceptions, 1u);
  EXPECT_EQ(b->completed, 8u);
  EXPECT_EQ(b->in_flight(), 0u);
  EXPECT_EQ(b->unrecorded, 8u);
  EXPECT_EQ(b->histogram.total(), 0u);
  EXPECT_GT(b->max_ticks, 0u) << "the exact maximum needs no histogram";
  EXPECT_EQ(reader->histograms_unavailable(), 1u);
}

TEST(SparseLayout, ACompletionOnAThreadThatNeverEnteredIsRead) {
  InstalledRegion region;
  const int32_t slot = *region->allocate_slot("A::Async()", "a.dll");
  int64_t start = 0;
  std::thread([&] { start = clrprobe_hit_enter(slot); }).join();
  std::thread([&] { clrprobe_hit_complete(slot, start, 1, 0); }).join();
  auto reader = StatsReader::view(region->bytes());
  ASSERT_TRUE(reader.ok());
  auto snap = reader->snapshot(slot);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->calls, 1u);
  EXPECT_EQ(snap->completed, 1u);
  EXPECT_EQ(snap->histogram.total(), 1u);
}

TEST(SparseLayout, TheSlotKindIsStoredAndRead) {
  InstalledRegion region;
  const int32_t full = *region->allocate_slot("A::F()", "a.dll");
  const int32_t count = *region->allocate_slot("A::C()", "a.dll", static_cast<uint32_t>(SlotKind::Count));
  const int32_t sampled = *region->allocate_slot("A::S()", "a.dll", static_cast<uint32_t>(SlotKind::Sampled));
  auto reader = StatsReader::view(region->bytes());
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->slot_info(full)->kind, SlotKind::Full);
  EXPECT_EQ(reader->slot_info(count)->kind, SlotKind::Count);
  EXPECT_EQ(reader->slot_info(sampled)->kind, SlotKind::Sampled);
  EXPECT_EQ(reader->slot_info(sampled)->name, "A::S()");
}

TEST(SparseLayout, UntouchedCapacityTakesNoFileSpace) {
  TempDir dir;
  const std::string path = dir.file("big.stats");
  auto region = StatsRegion::create(path, kDefaultSlotCapacity);
  ASSERT_TRUE(region.ok()) << region.error().describe();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*region)->allocate_slot("A::M" + std::to_string(i) + "()", "a.dll").ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_GE(static_cast<uint64_t>(st.st_size), uint64_t{kDefaultSlotCapacity} * sizeof(SlotMeta));
  // The header, one reserved chunk of slots (1,024 x (32-byte metadata +
  // 4-byte stripe mask)), one page of counters per stripe and 64 KiB of
  // strings reserved ahead.
  EXPECT_LT(static_cast<uint64_t>(st.st_blocks) * 512, uint64_t{256} * 1024) << "of " << st.st_size << " bytes";
}

}  // namespace
}  // namespace clrprobe::stats
