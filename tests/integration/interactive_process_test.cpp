// The interactive child helper itself: line I/O, end of input, timeouts, kill.
#include <gtest/gtest.h>

#include "process_runner.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<InteractiveProcess> StartOrFail(const std::vector<std::string>& argv) {
  std::string error;
  auto p = InteractiveProcess::Start(argv, {}, &error);
  EXPECT_NE(p, nullptr) << error;
  return p;
}

TEST(InteractiveProcess, ExchangesLinesAndSeesEndOfInput) {
  auto p = StartOrFail({"/bin/sh", "-c", "echo hello; while read l; do echo \"got $l\"; done; echo bye >&2; exit 4"});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->ReadLine(10s), "hello");
  ASSERT_TRUE(p->WriteLine("one"));
  ASSERT_TRUE(p->WriteLine("two"));
  EXPECT_EQ(p->ReadLineStartingWith("got t", 10s), "got two");
  p->CloseStdin();
  EXPECT_EQ(p->Wait(10s), 4);
  EXPECT_EQ(p->ReadLine(1s), std::nullopt);
  EXPECT_EQ(p->Stdout(), "hello\ngot one\ngot two\n");
  EXPECT_EQ(p->Stderr(), "bye\n");
}

TEST(InteractiveProcess, ReadTimesOutAndKillEndsTheGroup) {
  auto p = StartOrFail({"/bin/sh", "-c", "sleep 30 & sleep 30"});
  ASSERT_NE(p, nullptr);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(p->ReadLine(200ms), std::nullopt);
  EXPECT_EQ(p->Wait(100ms), std::nullopt);
  EXPECT_TRUE(p->Running());
  p->Kill();
  EXPECT_FALSE(p->Running());
  EXPECT_EQ(p->Wait(1s), 128 + 9);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(InteractiveProcess, WritingToAnExitedChildFailsWithoutSigpipe) {
  auto p = StartOrFail({"/bin/sh", "-c", "exit 0"});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->Wait(10s), 0);
  bool written = true;
  for (int i = 0; i < 100 && written; ++i) written = p->WriteLine(std::string(4096, 'x'));
  EXPECT_FALSE(written);
}

TEST(InteractiveProcess, ReportsMissingProgram) {
  std::string error;
  auto p = InteractiveProcess::Start({"/nonexistent/program"}, {}, &error);
  EXPECT_EQ(p, nullptr);
  EXPECT_NE(error.find("/nonexistent/program"), std::string::npos) << error;
}

}  // namespace
}  // namespace clrprobe::itest
