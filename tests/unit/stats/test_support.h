// Shared helpers for the stats tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "stats/stats_reader.h"
#include "stats/stats_region.h"
#include "support/temp_dir.h"

namespace clrprobe::stats::testing {

// A private directory under $TMPDIR (or /tmp), removed with its content.
using TempDir = clrprobe::test_support::TempDir;

// An anonymous region installed for the hit functions for the test's scope.
class InstalledRegion {
 public:
  explicit InstalledRegion(uint32_t capacity = 64, ClockChoice clock = ClockChoice::Auto) {
    auto r = StatsRegion::create_anonymous(capacity, clock);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
    if (r.ok()) {
      region_ = std::move(*r);
      StatsRegion::install_global(region_.get());
    }
  }
  ~InstalledRegion() { StatsRegion::install_global(nullptr); }
  StatsRegion& operator*() const { return *region_; }
  StatsRegion* operator->() const { return region_.get(); }

 private:
  std::unique_ptr<StatsRegion> region_;
};

// A slot's figures as a reader of the region sees them.
inline SlotSnapshot snap(const StatsRegion& region, int32_t slot) {
  auto reader = StatsReader::view(region.bytes());
  EXPECT_TRUE(reader.ok());
  auto s = reader->snapshot(slot);
  EXPECT_TRUE(s.ok());
  return s.ok() ? std::move(*s) : SlotSnapshot{};
}

}  // namespace clrprobe::stats::testing
