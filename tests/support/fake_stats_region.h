// The tests' one fake stats region: a real StatsRegion (file-backed at a
// path, or anonymous) whose counters the test writes directly - exact
// figures, unlike timed hits. Monotonic clock, so ticks are nanoseconds
// unless set_ticks_per_ns says otherwise. Header-only; needs clrprobe_stats.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "stats/histogram.h"
#include "stats/region_layout.h"
#include "stats/stats_reader.h"
#include "stats/stats_region.h"

namespace clrprobe::test_support {

class FakeStatsRegion {
 public:
  // `path` empty: anonymous. A region that cannot be made ends the test binary
  // (every later step would dereference it).
  explicit FakeStatsRegion(const std::string& path = "", uint32_t capacity = 64) {
    auto made = path.empty() ? stats::StatsRegion::create_anonymous(capacity, stats::ClockChoice::ForceMonotonic)
                             : stats::StatsRegion::create(path, capacity, stats::ClockChoice::ForceMonotonic);
    if (!made) {
      ADD_FAILURE() << "cannot create region: " << made.error().describe();
      std::abort();
    }
    region_ = std::move(*made);
  }

  int32_t add_slot(const std::string& name) {
    auto slot = region_->allocate_slot(name, "Test.dll");
    EXPECT_TRUE(slot.ok());
    return slot.ok() ? *slot : -1;
  }
  // One completed call of `latency_ticks` (through `stripe`), counted as an
  // exception when `exception`.
  void record(int32_t slot, uint64_t latency_ticks, bool exception = false, uint32_t stripe = 0) {
    stats::HotCounters& c = counters(slot, stripe);
    c.calls += 1;
    if (exception) c.exceptions += 1;
    histogram(c).buckets[stats::bucket_index(latency_ticks)] += 1;
    if (latency_ticks > c.max_ticks) c.max_ticks = latency_ticks;
  }
  // One completed async call whose task was cancelled.
  void record_cancelled(int32_t slot, uint64_t latency_ticks, uint32_t stripe = 0) {
    record(slot, latency_ticks, false, stripe);
    counters(slot, stripe).cancelled += 1;
  }
  // Calls entered but not completed yet.
  void enter(int32_t slot, uint64_t calls, uint32_t stripe = 0) { counters(slot, stripe).calls += calls; }

  // Header fields a test may rewrite: another writer (pid, start time), a TSC
  // calibration, the creation time.
  void set_writer(int32_t pid, uint64_t start_jiffies) {
    header().pid = pid;
    header().process_start_jiffies = start_jiffies;
  }
  void set_ticks_per_ns(double ticks_per_ns) {
    header().flags |= stats::kHeaderFlagTsc;  // only TSC regions have a calibration other than 1
    header().ticks_per_ns = ticks_per_ns;
  }
  void set_created_unix_ns(uint64_t ns) { header().creation_unix_ns = ns; }

  stats::StatsReader reader() const {
    auto r = stats::StatsReader::view(region_->bytes());
    if (!r) {
      ADD_FAILURE() << r.error().describe();
      std::abort();
    }
    return std::move(*r);
  }
  stats::StatsRegion& region() { return *region_; }

 private:
  stats::RegionHeader& header() {
    return *reinterpret_cast<stats::RegionHeader*>(const_cast<std::byte*>(region_->bytes().data()));
  }
  // The layout as the hit path writes it (region_layout.h): the stripe mask
  // names the stripe, the first completion takes a histogram block.
  stats::HotCounters& counters(int32_t slot, uint32_t stripe) {
    const stats::RegionHeader& h = header();
    std::byte* base = const_cast<std::byte*>(region_->bytes().data());
    reinterpret_cast<uint32_t*>(base + h.stripe_masks_offset)[slot] |= 1u << stripe;
    return reinterpret_cast<stats::HotCounters*>(base + h.hot_offset + stripe * h.hot_stripe_stride)[slot];
  }
  stats::HistogramBlock& histogram(stats::HotCounters& c) {
    stats::RegionHeader& h = header();
    if (c.histogram == 0) c.histogram = ++h.histograms_used;
    std::byte* base = const_cast<std::byte*>(region_->bytes().data());
    return reinterpret_cast<stats::HistogramBlock*>(base + h.histograms_offset)[c.histogram - 1];
  }

  std::unique_ptr<stats::StatsRegion> region_;
};

}  // namespace clrprobe::test_support
