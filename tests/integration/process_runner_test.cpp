// The test helper itself: capture, exit codes, environment, timeout.
#include <gtest/gtest.h>

#include "process_runner.h"

namespace clrprobe::itest {
namespace {

TEST(ProcessRunner, CapturesOutputAndExitCode) {
  ProcessResult r = RunProcess({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_FALSE(r.timed_out);
}

TEST(ProcessRunner, SetsAndRemovesEnvironment) {
  ProcessOptions options;
  options.env["CLRPROBE_ITEST_SET"] = "yes";
  options.env["HOME"] = std::nullopt;
  ProcessResult r = RunProcess({"/bin/sh", "-c", "echo \"$CLRPROBE_ITEST_SET-${HOME:-unset}\""}, options);
  EXPECT_EQ(r.out, "yes-unset\n");
}

TEST(ProcessRunner, KillsTheProcessGroupOnTimeout) {
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = RunProcess({"/bin/sh", "-c", "sleep 30 & sleep 30"}, options);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(ProcessRunner, ReportsMissingProgram) {
  ProcessResult r = RunProcess({"/nonexistent/program"});
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(r.exit_code, 127);
}

}  // namespace
}  // namespace clrprobe::itest
