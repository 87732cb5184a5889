#include "stats/process_identity.h"

#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace clrprobe::stats {
namespace {

TEST(ProcessIdentity, ParsesStartTimeEvenWithOddCommNames) {
  const std::string tail =
      " S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654321 20 21\n";
  auto plain = parse_stat_start_jiffies("42 (dotnet)" + tail);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, 987654321u);
  auto odd = parse_stat_start_jiffies("42 (a) b (c d)" + tail);
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(*odd, 987654321u);
}

TEST(ProcessIdentity, RejectsShortOrGarbageLines) {
  EXPECT_FALSE(parse_stat_start_jiffies("").ok());
  EXPECT_FALSE(parse_stat_start_jiffies("42 (x) S 1 2 3").ok());
  EXPECT_FALSE(parse_stat_start_jiffies("no parens at all").ok());
}

TEST(ProcessIdentity, SelfIsFoundAndStable) {
  auto a = process_identity(static_cast<int32_t>(::getpid()));
  ASSERT_TRUE(a.ok()) << a.error().describe();
  auto b = process_identity(static_cast<int32_t>(::getpid()));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->start_jiffies, b->start_jiffies);
  EXPECT_GT(a->start_unix_ns, 1'600'000'000ull * 1'000'000'000ull);
}

// The boot instant now comes from the clocks, not /proc/stat's `btime` (whole seconds, floored):
// the start time must be the same instant within that second, and not after now.
TEST(ProcessIdentity, StartTimeAgreesWithTheKernelsBootTimeAndPrecedesNow) {
  auto id = process_identity(static_cast<int32_t>(::getpid()));
  ASSERT_TRUE(id.ok()) << id.error().describe();
  std::ifstream stat("/proc/stat");
  std::string line;
  uint64_t btime = 0;
  while (std::getline(stat, line)) {
    if (line.rfind("btime ", 0) == 0) btime = std::stoull(line.substr(6));
  }
  ASSERT_GT(btime, 0u);
  const long hz = ::sysconf(_SC_CLK_TCK);
  ASSERT_GT(hz, 0);
  const double from_btime_s = static_cast<double>(btime) + static_cast<double>(id->start_jiffies) / hz;
  const double start_s = static_cast<double>(id->start_unix_ns) / 1e9;
  EXPECT_GE(start_s, from_btime_s - 0.001);
  EXPECT_LT(start_s, from_btime_s + 1.001);
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  EXPECT_LE(id->start_unix_ns, static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + now.tv_nsec);
}

TEST(ProcessIdentity, MissingProcessIsNotFound) {
  auto r = process_identity(-1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::NotFound);
}

}  // namespace
}  // namespace clrprobe::stats
