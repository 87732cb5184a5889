// The task tracker's reentrancy guard (stats/track_guard.h): a registration nested in this
// thread's registration is refused; registrations one after another, and on other threads,
// are not; a mark left behind (an exception between enter and leave) does not refuse a
// later registration at the same depth.
#include "stats/track_guard.h"

#include <gtest/gtest.h>

#include <thread>

namespace {

// Enters the guard from a frame deeper than its caller's call would be.
__attribute__((noinline)) int32_t EnterDeeper() {
  volatile char pad[512];
  pad[0] = 1;
  const int32_t entered = clrprobe_track_guard(1);
  return entered + pad[0] - 1;
}

TEST(TrackGuard, ARegistrationNestedInThisThreadsRegistrationIsRefused) {
  ASSERT_EQ(clrprobe_track_guard(1), 1);
  EXPECT_EQ(EnterDeeper(), 0);
  clrprobe_track_guard(0);
}

TEST(TrackGuard, RegistrationsOneAfterAnotherAreAllAllowed) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(clrprobe_track_guard(1), 1) << i;
    clrprobe_track_guard(0);
  }
  EXPECT_EQ(EnterDeeper(), 1);
  clrprobe_track_guard(0);
}

TEST(TrackGuard, AnotherThreadsRegistrationDoesNotRefuseThisThread) {
  ASSERT_EQ(clrprobe_track_guard(1), 1);
  int32_t other = -1;
  std::thread([&] { other = EnterDeeper(); }).join();
  EXPECT_EQ(other, 1);
  clrprobe_track_guard(0);
}

TEST(TrackGuard, AMarkLeftBehindIsReplacedByTheNextRegistrationAtTheSameDepth) {
  ASSERT_EQ(EnterDeeper(), 1);  // never released, as if ContinueWith had thrown
  EXPECT_EQ(EnterDeeper(), 1);  // same depth: not taken for a nested registration
  clrprobe_track_guard(0);
}

}  // namespace
