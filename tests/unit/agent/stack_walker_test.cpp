// `watch --stack` frames as the agent reports them (agent/stack_walker.h):
// the watched method itself is not a caller, and a deep stack is cut.
#include "agent/stack_walker.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace clrprobe::agent {
namespace {

TEST(StackWalker, TheWatchedMethodAtTheTopIsLeftOutAndTheCallersKeepTheirOrder) {
  EXPECT_EQ(caller_frames({"Shop.Store::Save", "Shop.Api::Post", "Shop.Program::Main"}, "Shop.Store::Save", 32),
            (std::vector<std::string>{"Shop.Api::Post", "Shop.Program::Main"}));
}

TEST(StackWalker, AFirstFrameThatIsNotTheWatchedMethodIsKept) {
  EXPECT_EQ(caller_frames({"Shop.Api::Post", "Shop.Program::Main"}, "Shop.Store::Save", 32),
            (std::vector<std::string>{"Shop.Api::Post", "Shop.Program::Main"}));
  EXPECT_TRUE(caller_frames({}, "Shop.Store::Save", 32).empty());
}

TEST(StackWalker, ARecursiveCallerIsKeptAndADeepStackIsCutAtTheLimit) {
  std::vector<std::string> walked(40, "Shop.Tree::Walk");
  const auto frames = caller_frames(walked, "Shop.Tree::Walk", 32);
  ASSERT_EQ(frames.size(), 32u);  // the first (the method itself) dropped, then cut
  for (const std::string& f : frames) EXPECT_EQ(f, "Shop.Tree::Walk");
}

}  // namespace
}  // namespace clrprobe::agent
