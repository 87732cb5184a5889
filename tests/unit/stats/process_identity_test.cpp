#include "stats/process_identity.h"

#include <gtest/gtest.h>
#include <unistd.h>

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

TEST(ProcessIdentity, MissingProcessIsNotFound) {
  auto r = process_identity(-1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::NotFound);
}

}  // namespace
}  // namespace clrprobe::stats
