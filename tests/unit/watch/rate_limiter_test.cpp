// The --rate budget: N events per second window, then drops until the next.
#include <gtest/gtest.h>

#include "watch/rate_limiter.h"

namespace clrprobe::watch {
namespace {

TEST(RateLimiter, AllowsNPerSecondThenRefusesUntilTheNextSecond) {
  RateLimiter limiter(3);
  const uint64_t t0 = 5'000'000'000ull;
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limiter.allow(t0 + i * 1000) ? 1 : 0;
  EXPECT_EQ(allowed, 3);
  EXPECT_TRUE(limiter.allow(t0 + 1'000'000'000ull));
  EXPECT_TRUE(limiter.allow(t0 + 1'000'000'001ull));
  EXPECT_TRUE(limiter.allow(t0 + 1'000'000'002ull));
  EXPECT_FALSE(limiter.allow(t0 + 1'000'000'003ull));
}

TEST(RateLimiter, ZeroAllowsNothing) {
  RateLimiter limiter(0);
  EXPECT_FALSE(limiter.allow(1));
  EXPECT_FALSE(limiter.allow(2'000'000'000ull));
}

}  // namespace
}  // namespace clrprobe::watch
