// A reader must turn anything that is not a well-formed region into an Error:
// missing, empty, truncated, garbage, or a region with corrupted fields.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "stats/hit_path.h"
#include "stats/stats_reader.h"
#include "stats/stats_region.h"
#include "test_support.h"

namespace clrprobe::stats {
namespace {

using testing::TempDir;

void write_file(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<char> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

// Exercises everything a CLI would do with an opened reader.
void read_everything(const StatsReader& reader) {
  (void)reader.slots_used();
  (void)reader.writer_alive();
  for (uint32_t s = 0; s < reader.info().slot_capacity; ++s) {
    auto snap = reader.snapshot(static_cast<int32_t>(s));
    if (snap.ok()) (void)StatsReader::percentiles_ns(*snap, {50, 90, 99, 100});
  }
}

class ReaderValidation : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("good.bin");
    auto region = StatsRegion::create(path_, 4);
    ASSERT_TRUE(region.ok()) << region.error().describe();
    StatsRegion::install_global(region->get());
    auto slot = (*region)->allocate_slot("A::M()", "a.dll");
    ASSERT_TRUE(slot.ok());
    for (int i = 0; i < 100; ++i) clrprobe_hit_leave(*slot, clrprobe_hit_enter(*slot));
    StatsRegion::install_global(nullptr);
    good_ = read_file(path_);
    ASSERT_EQ(good_.size(), region_geometry(4, kStripeCount, default_histogram_blocks(4)).total_size);
  }

  Reason open_bytes(const std::vector<char>& bytes) {
    const std::string p = dir_.file("case.bin");
    write_file(p, bytes);
    auto r = StatsReader::open(p);
    if (r.ok()) {
      read_everything(*r);
      return Reason::Ok;
    }
    EXPECT_FALSE(r.error().message.empty());
    return r.error().reason;
  }

  template <typename T>
  std::vector<char> with_field(size_t offset, T value) {
    std::vector<char> copy = good_;
    std::memcpy(copy.data() + offset, &value, sizeof(value));
    return copy;
  }

  TempDir dir_;
  std::string path_;
  std::vector<char> good_;
};

TEST_F(ReaderValidation, GoodFileOpens) {
  EXPECT_EQ(open_bytes(good_), Reason::Ok);
  auto r = StatsReader::open(path_);
  ASSERT_TRUE(r.ok());
  auto s = r->snapshot(0);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->calls, 100u);
}

TEST_F(ReaderValidation, MissingFileIsNotFound) {
  auto r = StatsReader::open(dir_.file("nope.bin"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::NotFound);
}

TEST_F(ReaderValidation, DirectoryIsRejected) {
  auto r = StatsReader::open(dir_.path());
  ASSERT_FALSE(r.ok());
}

TEST_F(ReaderValidation, EmptyAndTruncatedFilesAreRejected) {
  EXPECT_EQ(open_bytes({}), Reason::Truncated);
  for (size_t size : {size_t{1}, size_t{8}, sizeof(RegionHeader) - 1, sizeof(RegionHeader),
                      size_t{4096}, size_t{8192}, good_.size() / 2, good_.size() - 1}) {
    std::vector<char> cut(good_.begin(), good_.begin() + static_cast<ptrdiff_t>(size));
    EXPECT_EQ(open_bytes(cut), Reason::Truncated) << "size " << size;
  }
}

TEST_F(ReaderValidation, GarbageIsRejected) {
  std::mt19937 rng(99);
  for (size_t size : {size_t{300}, size_t{4096}, size_t{1} << 20}) {
    std::vector<char> junk(size);
    for (auto& c : junk) c = static_cast<char>(rng());
    EXPECT_EQ(open_bytes(junk), Reason::InvalidInput) << size;
  }
  std::vector<char> zeros(1 << 16, 0);
  EXPECT_EQ(open_bytes(zeros), Reason::InvalidInput);
}

TEST_F(ReaderValidation, CorruptedHeaderFieldsAreRejected) {
  EXPECT_EQ(open_bytes(with_field<uint32_t>(offsetof(RegionHeader, layout_version), 1)), Reason::Unsupported);
  EXPECT_EQ(open_bytes(with_field<uint32_t>(offsetof(RegionHeader, layout_version), kLayoutVersion + 1)),
            Reason::Unsupported);
  EXPECT_EQ(open_bytes(with_field<uint32_t>(offsetof(RegionHeader, header_size), 512)),
            Reason::InvalidInput);
  EXPECT_EQ(open_bytes(with_field<uint32_t>(offsetof(RegionHeader, bucket_count), 100)),
            Reason::Unsupported);
  EXPECT_EQ(open_bytes(with_field<uint32_t>(offsetof(RegionHeader, slot_capacity), 0)),
            Reason::InvalidInput);
  EXPECT_EQ(open_bytes(with_field<uint32_t>(offsetof(RegionHeader, slot_capacity), 0xFFFFFFFF)),
            Reason::InvalidInput);
  // A bigger shape than the file holds, with matching offsets: truncated.
  {
    auto copy = with_field<uint32_t>(offsetof(RegionHeader, slot_capacity), 5000);
    const RegionGeometry g = region_geometry(5000, kStripeCount, default_histogram_blocks(4));
    std::memcpy(copy.data() + offsetof(RegionHeader, stripe_masks_offset), &g.stripe_masks_offset, 8);
    std::memcpy(copy.data() + offsetof(RegionHeader, hot_offset), &g.hot_offset, 8);
    std::memcpy(copy.data() + offsetof(RegionHeader, hot_stripe_stride), &g.hot_stripe_stride, 8);
    std::memcpy(copy.data() + offsetof(RegionHeader, strings_offset), &g.strings_offset, 8);
    std::memcpy(copy.data() + offsetof(RegionHeader, strings_size), &g.strings_size, 8);
    std::memcpy(copy.data() + offsetof(RegionHeader, histograms_offset), &g.histograms_offset, 8);
    std::memcpy(copy.data() + offsetof(RegionHeader, total_size), &g.total_size, 8);
    EXPECT_EQ(open_bytes(copy), Reason::Truncated);
  }
  EXPECT_EQ(open_bytes(with_field<uint32_t>(offsetof(RegionHeader, stripe_count), 0)),
            Reason::InvalidInput);
  EXPECT_EQ(open_bytes(with_field<uint32_t>(offsetof(RegionHeader, stripe_count), 1u << 30)),
            Reason::InvalidInput);
  EXPECT_EQ(open_bytes(with_field<uint64_t>(offsetof(RegionHeader, hot_offset), 64)), Reason::InvalidInput);
  EXPECT_EQ(open_bytes(with_field<uint64_t>(offsetof(RegionHeader, histograms_offset), 64)), Reason::InvalidInput);
  EXPECT_EQ(open_bytes(with_field<uint32_t>(offsetof(RegionHeader, histogram_blocks), 0)), Reason::InvalidInput);
  EXPECT_EQ(open_bytes(with_field<uint64_t>(offsetof(RegionHeader, total_size), 1ull << 62)),
            Reason::InvalidInput);
  EXPECT_EQ(open_bytes(with_field<uint32_t>(offsetof(RegionHeader, slot_meta_size), 8)),
            Reason::InvalidInput);
  EXPECT_EQ(open_bytes(with_field<double>(offsetof(RegionHeader, ticks_per_ns), std::nan(""))),
            Reason::InvalidInput);
  EXPECT_EQ(open_bytes(with_field<double>(offsetof(RegionHeader, ticks_per_ns), -1.0)),
            Reason::InvalidInput);
  EXPECT_EQ(open_bytes(with_field<char>(0, 'X')), Reason::InvalidInput);
}

TEST_F(ReaderValidation, CorruptedSlotMetadataIsAnErrorOrClamped) {
  const RegionGeometry g = region_geometry(4, kStripeCount, default_histogram_blocks(4));
  const size_t meta = g.slot_meta_offset;
  {
    // An impossible state: that slot reports an error, the file still opens.
    auto copy = with_field<uint32_t>(meta + offsetof(SlotMeta, state), 77);
    write_file(dir_.file("state.bin"), copy);
    auto r = StatsReader::open(dir_.file("state.bin"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->snapshot(0).error().reason, Reason::InvalidInput);
  }
  {
    // A huge name length, or names beyond the string area: an error for that slot.
    auto copy = with_field<uint32_t>(meta + offsetof(SlotMeta, name_len), 0xFFFFFFFF);
    write_file(dir_.file("name.bin"), copy);
    auto r = StatsReader::open(dir_.file("name.bin"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->slot_info(0).error().reason, Reason::InvalidInput);
    copy = with_field<uint64_t>(meta + offsetof(SlotMeta, string_offset), g.strings_size - 2);
    write_file(dir_.file("offset.bin"), copy);
    r = StatsReader::open(dir_.file("offset.bin"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->slot_info(0).error().reason, Reason::InvalidInput);
  }
  {
    // A stripe mask naming stripes beyond the count and a histogram block
    // beyond the pool: ignored, never read out of bounds.
    auto copy = with_field<uint32_t>(g.stripe_masks_offset, 0xFFFFFFFF);
    write_file(dir_.file("mask.bin"), copy);
    auto r = StatsReader::open(dir_.file("mask.bin"));
    ASSERT_TRUE(r.ok());
    auto snap = r->snapshot(0);
    ASSERT_TRUE(snap.ok());
    EXPECT_EQ(snap->calls, 100u);
    copy = good_;
    for (uint32_t stripe = 0; stripe < kStripeCount; ++stripe)
      std::memcpy(copy.data() + g.hot_offset + stripe * g.hot_stripe_stride + offsetof(HotCounters, histogram),
                  &kMaxHistogramBlocks, 4);
    write_file(dir_.file("block.bin"), copy);
    r = StatsReader::open(dir_.file("block.bin"));
    ASSERT_TRUE(r.ok());
    snap = r->snapshot(0);
    ASSERT_TRUE(snap.ok());
    EXPECT_EQ(snap->calls, 100u);
    EXPECT_EQ(snap->histogram.total(), 0u);
  }
  {
    // slots_used beyond the capacity is clamped.
    auto copy = with_field<uint32_t>(offsetof(RegionHeader, slots_used), 1000);
    write_file(dir_.file("used.bin"), copy);
    auto r = StatsReader::open(dir_.file("used.bin"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->slots_used(), 4u);
    read_everything(*r);
  }
}

TEST_F(ReaderValidation, RandomHeaderCorruptionNeverCrashes) {
  std::mt19937 rng(2024);
  int rejected = 0;
  for (int i = 0; i < 300; ++i) {
    std::vector<char> copy = good_;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      const size_t at = rng() % (sizeof(RegionHeader) + 2 * sizeof(SlotMeta) + 4096);
      const size_t offset = at < sizeof(RegionHeader) ? at : 4096 + (at - sizeof(RegionHeader));
      copy[offset] = static_cast<char>(rng());
    }
    if (open_bytes(copy) != Reason::Ok) ++rejected;
  }
  EXPECT_GT(rejected, 0);
}

TEST_F(ReaderValidation, ViewRejectsMisalignedOrShortBuffers) {
  std::vector<uint64_t> storage(good_.size() / 8 + 1);
  std::memcpy(storage.data(), good_.data(), good_.size());
  const auto* base = reinterpret_cast<const std::byte*>(storage.data());
  EXPECT_TRUE(StatsReader::view({base, good_.size()}).ok());
  EXPECT_FALSE(StatsReader::view({base + 1, good_.size()}).ok());
  EXPECT_EQ(StatsReader::view({base, 100}).error().reason, Reason::Truncated);
  EXPECT_EQ(StatsReader::view({base, good_.size() - 4096}).error().reason, Reason::Truncated);
}

}  // namespace
}  // namespace clrprobe::stats
