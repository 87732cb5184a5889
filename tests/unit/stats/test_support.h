// Shared helpers for the stats tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "stats/stats_region.h"

namespace clrprobe::stats::testing {

// A private directory under $TMPDIR (or /tmp), removed with its content.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/clrprobe-stats-XXXXXX";
    char* made = ::mkdtemp(tmpl.data());
    if (made != nullptr) path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

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

}  // namespace clrprobe::stats::testing
